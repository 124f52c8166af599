/* Dargah search page: plain JavaScript, no build step, no third parties.
 *
 * Everything shown comes from the public API (/api/v1). Text is always inserted with textContent;
 * the only HTML ever inserted is the API's `highlights`, and even that is rebuilt keeping nothing but
 * text and <mark> elements. The whole state lives in the URL, so a search can be shared and Back works.
 */
"use strict";

(() => {
  const API = "/api/v1";
  const PAGE_SIZE = 10;
  const MAX_DEPTH = 1000; // the API lists results no deeper than page × size = 1,000 (see /api/v1/openapi.json)
  const MAX_PAGE = MAX_DEPTH / PAGE_SIZE;
  const SUGGEST_DELAY = 150;
  const MAX_Q = 200; // characters the API accepts in q
  const FACET_PREVIEW = 8;
  const FACETS = ["cluster", "agency", "audience", "level", "channel"];
  const COLLAPSED = new Set(["audience", "level", "channel"]);
  const SORTS = ["relevance", "popularity", "title"];
  const FACET_TITLES = {
    cluster: "خوشه خدمت",
    agency: "دستگاه اجرایی",
    audience: "مخاطب",
    level: "سطح ارائه",
    channel: "کانال دریافت",
  };
  const LABELS = {
    audience: { citizen: "شهروندان", business: "کسب‌وکارها", government: "دستگاه‌ها" },
    level: { national: "ملی", provincial: "استانی", local: "شهرستانی" },
    channel: {
      web: "وب",
      mobile_app: "اپلیکیشن موبایل",
      ussd: "کد دستوری",
      kiosk: "کیوسک",
      counter_office: "دفاتر پیشخوان",
      in_person: "حضوری",
      phone: "تلفن",
    },
  };
  const STAGES = [
    ["information", "اطلاع‌رسانی"],
    ["application", "دریافت درخواست"],
    ["processing", "پردازش"],
    ["delivery", "تحویل"],
  ];

  // -- small helpers ------------------------------------------------------------------------------

  const $ = (sel, root = document) => root.querySelector(sel);

  /** An element; attributes via setAttribute, children as nodes or text (never parsed as HTML). */
  function h(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else if (k.startsWith("on") && typeof v === "function") e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat(Infinity)) {
      if (c == null || c === false) continue;
      e.append(c instanceof Node ? c : String(c));
    }
    return e;
  }

  const PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹";
  const faDigits = (s) => String(s).replace(/[0-9]/g, (d) => PERSIAN_DIGITS[d]);
  const numberFormat = new Intl.NumberFormat("fa-IR");
  const faNum = (n) => faDigits(numberFormat.format(n));
  const faPercent = (x) => faNum(Math.round((Number(x) || 0) * 100)) + "٪";

  function faDate(iso) {
    const d = new Date(`${iso}T12:00:00`);
    if (Number.isNaN(d.getTime())) return faDigits(iso);
    try {
      return faDigits(new Intl.DateTimeFormat("fa-IR", { dateStyle: "long" }).format(d));
    } catch {
      return faDigits(iso);
    }
  }

  /** Only http(s) addresses become links; anything else (javascript:, data:) stays text. */
  function safeUrl(u) {
    if (!u || typeof u !== "string") return null;
    try {
      const url = new URL(u.trim());
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch {
      return null;
    }
  }

  /** Titles and descriptions typed with Arabic ي/ك are shown with the Persian letters: display only,
   * the words (and any Arabic-Indic digits) stay as the card has them (api/page/words.py `display` too). */
  const display = (s) => String(s == null ? "" : s).replace(/ي/g, "ی").replace(/ك/g, "ک");

  /** Persian letters typed with Arabic forms, for comparing names the way people type them. */
  const fold = (s) =>
    String(s || "")
      .replace(/[يى]/g, "ی")
      .replace(/ك/g, "ک")
      .replace(/[\u200c\u200f\u064b-\u065f]/g, "")
      .replace(/\s+/g, " ")
      .trim()
      .toLowerCase();

  /** Insert highlighted API HTML keeping only text and <mark>: defence in depth on top of the API's escaping. */
  function setMarked(node, html, fallback) {
    if (typeof html !== "string" || !html) {
      node.textContent = display(fallback || "");
      return;
    }
    const tpl = document.createElement("template");
    tpl.innerHTML = display(html); // template content is inert: nothing loads, nothing runs
    const copy = (src) => {
      const out = [];
      for (const n of src.childNodes) {
        if (n.nodeType === Node.TEXT_NODE) out.push(document.createTextNode(n.data));
        else if (n.nodeType === Node.ELEMENT_NODE && n.tagName === "MARK") {
          const m = document.createElement("mark");
          m.append(...copy(n));
          out.push(m);
        } else if (n.nodeType === Node.ELEMENT_NODE) out.push(document.createTextNode(n.textContent));
      }
      return out;
    };
    node.replaceChildren(...copy(tpl.content));
  }

  const label = (facet, value) => (LABELS[facet] && LABELS[facet][value]) || value;

  class ApiError extends Error {
    constructor(message, status, detail, retryAfter) {
      super(message);
      this.status = status;
      this.detail = detail || "";
      this.retryAfter = retryAfter || 0; // seconds the server asked us to wait (429, 503)
    }
  }

  function messageFor(status) {
    if (status === 400) return "درخواست نامعتبر بود؛ نشانی صفحه را بررسی کنید.";
    if (status === 404) return "چیزی با این نشانی پیدا نشد.";
    if (status === 429) return "درخواست‌ها بیش از اندازه پشت سر هم بود.";
    if (status === 503) return "سامانه جست‌وجو در حال آماده‌شدن است؛ چند لحظه دیگر دوباره تلاش کنید.";
    return "خطایی در سرور رخ داد؛ لطفاً دوباره تلاش کنید.";
  }

  async function getJSON(url, signal) {
    let r;
    try {
      // Problems (errors) come back in Persian when asked for.
      r = await fetch(url, { signal, headers: { Accept: "application/json", "Accept-Language": "fa" } });
    } catch (e) {
      if (e.name === "AbortError") throw e;
      throw new ApiError("ارتباط با سرور برقرار نشد؛ اتصال اینترنت را بررسی کنید.", 0);
    }
    if (!r.ok) {
      let detail = "";
      try {
        const problem = await r.json();
        detail = problem.detail || problem.title || "";
      } catch {
        /* not problem+json */
      }
      const wait = parseInt(r.headers.get("Retry-After") || "", 10);
      throw new ApiError(messageFor(r.status), r.status, detail, Number.isFinite(wait) && wait > 0 ? wait : 0);
    }
    return r.json();
  }

  // Things fetched once per page load.
  const once = {};
  function cached(key, url) {
    if (!once[key]) {
      once[key] = getJSON(url).catch((e) => {
        delete once[key];
        throw e;
      });
    }
    return once[key];
  }
  const popular = () => cached("popular", `${API}/search?q=&sort=popularity&size=8&facets=`);
  const agencies = () => cached("agencies", `${API}/agencies`);
  const clusters = () => cached("clusters", `${API}/clusters`);

  // -- state in the URL ---------------------------------------------------------------------------

  function emptyFilters() {
    return Object.fromEntries(FACETS.map((f) => [f, []]));
  }

  function readState(search = location.search) {
    const p = new URLSearchParams(search);
    const page = parseInt(p.get("page") || "1", 10);
    const sort = p.get("sort");
    const filters = emptyFilters();
    for (const f of FACETS) filters[f] = [...new Set(p.getAll(f).map((v) => v.trim()).filter(Boolean))];
    return {
      q: p.has("q") ? p.get("q").trim().slice(0, MAX_Q) : null,
      page: Number.isFinite(page) ? Math.min(Math.max(page, 1), MAX_PAGE) : 1,
      sort: SORTS.includes(sort) ? sort : "relevance",
      electronic: p.get("electronic") === "true",
      exact: p.get("exact") === "true", // the words as typed, no corrections
      filters,
      service: p.get("service") || null,
      view: p.get("view") || null,
    };
  }

  function searchParams(s, { api = false } = {}) {
    const p = new URLSearchParams();
    if (s.q !== null || api) p.set("q", s.q || "");
    for (const f of FACETS) for (const v of s.filters[f] || []) p.append(f, v);
    if (s.electronic) p.set("electronic", "true");
    if (s.exact) p.set("exact", "true");
    if (s.sort && s.sort !== "relevance") p.set("sort", s.sort);
    if (s.page > 1) p.set("page", String(s.page));
    if (api) p.set("size", String(PAGE_SIZE));
    return p;
  }

  function urlFor(s) {
    const p = s.view === "agencies" ? new URLSearchParams({ view: "agencies" }) : searchParams(s);
    if (s.service) p.set("service", s.service);
    const qs = p.toString();
    return "/" + (qs ? "?" + qs : "");
  }

  const hasFilters = (s) => FACETS.some((f) => s.filters[f].length) || s.electronic;
  const isSearch = (s) => s.q !== null || hasFilters(s);
  const searchOnly = (s) => ({ ...s, service: null, view: null });

  // -- navigation ---------------------------------------------------------------------------------

  let current = readState();

  function go(url, { replace = false, keepScroll = false } = {}) {
    const here = location.pathname + location.search;
    const depth = (history.state && history.state.depth) || 0;
    if (url === here) replace = true;
    // Remember where the reader was, so Back returns them to the same place in the list.
    history.replaceState({ ...(history.state || {}), depth, scroll: window.scrollY }, "");
    if (replace) history.replaceState({ depth, scroll: 0 }, "", url);
    else history.pushState({ depth: depth + 1, scroll: 0 }, "", url);
    render(keepScroll ? {} : { scroll: 0 });
  }

  const navigate = (s, opts) => go(urlFor(s), opts);

  window.addEventListener("popstate", () => render({ scroll: (history.state && history.state.scroll) || 0, restoring: true }));

  // Same-page links (?q=…, ?service=…, ?view=…) are handled here; modified clicks open a new tab as usual.
  document.addEventListener("click", (ev) => {
    const a = ev.target.closest("a[href]");
    if (!a || a.target === "_blank" || ev.defaultPrevented) return;
    if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || url.pathname !== "/") return;
    ev.preventDefault();
    if (a.closest("#pagination")) focusResultsNext = true;
    go(url.pathname + url.search);
  });

  const views = {
    home: $("#view-home"),
    search: $("#view-search"),
    service: $("#view-service"),
    report: $("#view-report"),
    reportAgency: $("#view-report-agency"),
  };
  let shownView = null;

  function showView(name) {
    for (const [k, el] of Object.entries(views)) el.hidden = k !== name;
    for (const a of document.querySelectorAll(".site-nav a")) {
      const on = (a.dataset.nav === "report" && (name === "report" || name === "reportAgency")) || (a.dataset.nav === "browse" && name === "search" && current.q === "" && !hasFilters(current));
      if (on) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    }
    document.body.dataset.view = name;
    const changed = shownView !== name;
    shownView = name;
    return changed;
  }

  function afterRender(opts) {
    if (opts && typeof opts.scroll === "number") window.scrollTo(0, opts.scroll);
  }

  // The server renders the page for its address (api/page/) and names the view it filled in
  // <main data-rendered>: the first render takes that view over as it is, without fetching it again
  // (no flash, nothing twice); every later one (a link, a filter, Back) renders here.
  const main = $("#main");
  let prerendered = main.dataset.rendered || null;

  function render(opts = {}) {
    const s = readState();
    current = s;
    const taken = prerendered;
    prerendered = null;
    main.removeAttribute("data-rendered");
    $("#page-error").hidden = true; // the server's word that it could not render; the script shows its own
    closeSuggestions();
    if (!(s.service && s.q === null)) input.value = s.q || "";
    if (s.service) {
      showView("service");
      if (taken !== "service") loadService(s, opts);
    } else if (s.view === "report" || s.view === "agencies") {
      // The agencies' ranking is part of the report: old links to it open the report at the ranking.
      const agency = new URLSearchParams(location.search).get("agency");
      // The report's pages are rendered again here even when the server sent their tables: the
      // charts, the table's sorting and filtering and the trend are the script's.
      if (s.view === "report" && agency) {
        showView("reportAgency");
        loadAgencyReport(agency, { ...opts, quiet: taken === "reportAgency" });
      } else {
        showView("report");
        loadReport({ ...opts, quiet: taken === "report" }, s.view === "agencies");
      }
    } else if (isSearch(s)) {
      showView("search");
      if (taken === "search") takeOverResults();
      else runSearch(s, opts);
    } else {
      showView("home");
      if (taken !== "home") loadHome(opts);
    }
  }

  function announce(text) {
    const live = $("#live");
    live.textContent = "";
    // A fresh text node is announced even when it equals the previous one.
    window.setTimeout(() => (live.textContent = text), 50);
  }

  // -- suggestions (ARIA 1.2 combobox with a listbox popup) ----------------------------------------

  const form = $("#search-form");
  const input = $("#q");
  const listbox = $("#suggestions");
  const sugg = { items: [], active: -1, timer: 0, ctl: null, seq: 0 };

  function closeSuggestions() {
    window.clearTimeout(sugg.timer);
    if (sugg.ctl) sugg.ctl.abort();
    sugg.items = [];
    sugg.active = -1;
    listbox.hidden = true;
    listbox.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function suggestionText(text, typed) {
    // Emphasise what the suggestion adds to what was typed (as most search boxes do).
    const at = text.startsWith(typed) ? typed.length : 0;
    if (!at) return h("span", { class: "s-text" }, text);
    return h("span", { class: "s-text" }, text.slice(0, at), h("b", null, text.slice(at)));
  }

  function openSuggestions(items, typed) {
    // A late answer must not move the reader's place in the list: keep the active item if it is still there.
    const was = sugg.active >= 0 && sugg.items[sugg.active] ? sugg.items[sugg.active].text : null;
    sugg.items = items;
    sugg.active = -1;
    input.removeAttribute("aria-activedescendant");
    if (!items.length) {
      closeSuggestions();
      return;
    }
    listbox.replaceChildren(
      ...items.map((it, i) =>
        h(
          "li",
          { id: `suggestion-${i}`, role: "option", "aria-selected": "false", class: `suggestion ${it.kind === "service" ? "is-service" : "is-query"}`, "data-index": i },
          h("span", { class: "s-icon", "aria-hidden": "true" }, it.kind === "service" ? "◧" : "⌕"),
          suggestionText(it.kind === "service" ? display(it.text) : it.text, typed),
          it.kind === "service" ? h("span", { class: "s-kind" }, "خدمت") : null,
        ),
      ),
    );
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
    if (was !== null) {
      const again = items.findIndex((it) => it.text === was);
      if (again >= 0) setActive(again);
    }
  }

  function setActive(i) {
    const options = listbox.querySelectorAll("[role=option]");
    sugg.active = i;
    options.forEach((o, k) => {
      o.setAttribute("aria-selected", String(k === i));
      o.classList.toggle("active", k === i);
    });
    if (i >= 0 && options[i]) {
      input.setAttribute("aria-activedescendant", options[i].id);
      options[i].scrollIntoView({ block: "nearest" });
    } else input.removeAttribute("aria-activedescendant");
  }

  async function fetchSuggestions(typed) {
    if (sugg.ctl) sugg.ctl.abort();
    const ctl = (sugg.ctl = new AbortController());
    const seq = ++sugg.seq;
    try {
      const data = await getJSON(`${API}/suggest?q=${encodeURIComponent(typed)}`, ctl.signal);
      if (seq !== sugg.seq || input.value.trim() !== typed || document.activeElement !== input) return;
      openSuggestions(Array.isArray(data.suggestions) ? data.suggestions : [], typed);
    } catch (e) {
      if (e.name !== "AbortError" && seq === sugg.seq) closeSuggestions(); // suggestions are a nicety: fail quietly
    }
  }

  function scheduleSuggestions() {
    window.clearTimeout(sugg.timer);
    if (sugg.active >= 0) setActive(-1); // typing again: no option is chosen any more
    const typed = input.value.trim();
    if (!typed) {
      closeSuggestions();
      return;
    }
    sugg.timer = window.setTimeout(() => fetchSuggestions(typed), SUGGEST_DELAY);
  }

  function pick(item) {
    closeSuggestions();
    if (!item) return;
    input.value = item.text;
    if (item.kind === "service" && item.id) navigate({ ...readState(""), service: item.id });
    else submitQuery(item.text);
  }

  function submitQuery(q) {
    // A new query starts from page one without the previous query's facet choices;
    // the reader's preferences (sort, electronic only) stay.
    navigate({ ...readState(""), q: q.trim(), sort: current.sort, electronic: current.electronic });
  }

  input.addEventListener("input", scheduleSuggestions);
  input.addEventListener("keydown", (ev) => {
    const open = !listbox.hidden && sugg.items.length > 0;
    switch (ev.key) {
      case "ArrowDown":
        ev.preventDefault();
        if (!open) {
          if (input.value.trim()) fetchSuggestions(input.value.trim());
          return;
        }
        setActive(sugg.active + 1 >= sugg.items.length ? 0 : sugg.active + 1);
        break;
      case "ArrowUp":
        if (!open) return;
        ev.preventDefault();
        setActive(sugg.active <= 0 ? sugg.items.length - 1 : sugg.active - 1);
        break;
      case "Enter":
        if (open && sugg.active >= 0) {
          ev.preventDefault();
          pick(sugg.items[sugg.active]);
        }
        break; // otherwise the form submits
      case "Escape":
        if (open) {
          ev.preventDefault();
          closeSuggestions();
        }
        break;
      case "Tab":
        closeSuggestions();
        break;
      default:
    }
  });
  input.addEventListener("blur", () => window.setTimeout(() => document.activeElement !== input && closeSuggestions(), 0));
  listbox.addEventListener("mousedown", (ev) => ev.preventDefault()); // keep focus in the box
  listbox.addEventListener("click", (ev) => {
    const li = ev.target.closest("[role=option]");
    if (li) pick(sugg.items[Number(li.dataset.index)]);
  });
  listbox.addEventListener("mousemove", (ev) => {
    const li = ev.target.closest("[role=option]");
    if (li && Number(li.dataset.index) !== sugg.active) setActive(Number(li.dataset.index));
  });

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    closeSuggestions();
    submitQuery(input.value);
  });

  // -- search results -----------------------------------------------------------------------------

  const resultsRegion = $("#results-region");
  const resultsList = $("#results");
  const emptyBox = $("#empty");
  const errorBox = $("#error");
  const countLine = $("#result-count");
  const filtersPanel = $("#filters");
  const filtersToggle = $("#toggle-filters");
  const sortSelect = $("#sort");
  const electronicBox = $("#electronic");
  const facetsBox = $("#facets");
  const openFacets = new Set(); // collapsed facets the reader opened
  const expandedFacets = new Set(); // long facets showing every value
  let searchCtl = null;
  let lastSearch = null;
  let focusResultsNext = false; // after a page change, move focus to the top of the new results
  let searchSeq = 0;

  function setLoading(on) {
    resultsRegion.classList.toggle("loading", on);
    resultsRegion.setAttribute("aria-busy", String(on));
  }

  async function runSearch(s, opts = {}) {
    if (searchCtl) searchCtl.abort();
    const ctl = (searchCtl = new AbortController());
    const seq = ++searchSeq;
    sortSelect.value = s.sort;
    electronicBox.checked = s.electronic;
    errorBox.hidden = true;
    setLoading(true);
    if (!resultsList.children.length && emptyBox.hidden) countLine.textContent = "در حال جست‌وجو…";
    try {
      const data = await getJSON(`${API}/search?${searchParams(s, { api: true })}`, ctl.signal);
      if (seq !== searchSeq) return;
      lastSearch = { s, data };
      renderResults(s, data);
      setLoading(false);
      afterRender(opts);
    } catch (e) {
      if (e.name === "AbortError" || seq !== searchSeq) return;
      setLoading(false);
      renderError(errorBox, e, () => runSearch(readState()));
      resultsList.replaceChildren();
      emptyBox.hidden = true;
      $("#pagination").hidden = true;
      countLine.textContent = "";
      announce(e.message);
    }
  }

  function renderError(box, e, retry) {
    const button = retry ? h("button", { type: "button", class: "button", onclick: retry }, "تلاش دوباره") : null;
    const wait = retry && e.retryAfter ? Math.min(e.retryAfter, 300) : 0;
    const countdown = wait ? h("p", { class: "error-countdown", role: "status" }) : null;
    box.replaceChildren(
      h("p", { class: "error-title" }, e.message || "خطایی رخ داد."),
      e.detail ? h("p", { class: "error-detail" }, "جزئیات: ", h("bdi", { dir: "auto" }, e.detail)) : null,
      countdown,
      button,
    );
    box.hidden = false;
    if (!wait) return;
    // As the server asked (Retry-After): wait, counting down, then try again by ourselves. A 429
    // would only be refused again before then, so its button waits too.
    if (e.status === 429) button.disabled = true;
    let left = wait;
    const tick = () => {
      if (box.hidden || !box.contains(countdown)) return; // replaced by a newer request
      if (left <= 0) {
        retry();
        return;
      }
      countdown.textContent = `تا ${faNum(left)} ثانیه دیگر دوباره تلاش می‌کنیم…`;
      left -= 1;
      setTimeout(tick, 1000);
    };
    tick();
  }

  function renderResults(s, data) {
    const q = data.query || {};
    const total = data.total || 0;
    const pages = Number.isInteger(data.pages) ? data.pages : Math.min(Math.ceil(total / PAGE_SIZE), MAX_PAGE);

    // Count line.
    const what = s.q ? [" برای «", h("bdi", null, s.q), "»"] : [];
    countLine.replaceChildren(
      ...(total
        ? [h("strong", null, faNum(total)), " خدمت", ...what, pages > 1 ? ` — صفحه ${faNum(s.page)} از ${faNum(pages)}` : ""]
        : ["هیچ خدمتی", ...what, " پیدا نشد"]),
    );
    announce(countLine.textContent);
    document.title = s.q ? `${s.q} — جست‌وجو در درگاه` : "همه خدمات — درگاه";

    renderNotices(s, q, Array.isArray(data.hits) ? data.hits : []);
    renderLifeEvent(s, q.life_event);
    renderActiveFilters(s);
    renderFacets(s, data.facets || {});

    // Hits.
    const hits = Array.isArray(data.hits) ? data.hits : [];
    resultsList.replaceChildren(...hits.map((hit, i) => renderHit(s, hit, (s.page - 1) * PAGE_SIZE + i + 1)));
    resultsList.setAttribute("start", String((s.page - 1) * PAGE_SIZE + 1));

    // Empty state.
    if (!hits.length) renderEmpty(s, total);
    else emptyBox.hidden = true;

    renderPagination(s, pages);
    showResultsButton.textContent = `نمایش ${faNum(total)} نتیجه`;
    if (focusResultsNext) {
      focusResultsNext = false;
      countLine.focus({ preventScroll: true });
    }
  }

  function renderHit(s, hit, n) {
    const detail = urlFor({ ...searchOnly(s), service: hit.id });
    const titleLink = h("a", { href: detail, class: "hit-link" });
    setMarked(titleLink, hit.highlights && hit.highlights.title, hit.title);
    const snippet = h("p", { class: "hit-snippet" });
    setMarked(snippet, hit.highlights && hit.highlights.description, hit.snippet);
    const external = safeUrl(hit.url);
    return h(
      "li",
      { class: `hit${hit.weak ? " weak" : ""}`, "data-id": hit.id, "data-n": n },
      h("article", null,
        h("h2", { class: "hit-title" }, titleLink),
        h("p", { class: "hit-meta" },
          h("span", { class: "hit-agency" }, hit.agency),
          h("span", { class: "sep", "aria-hidden": "true" }, " • "),
          h("span", { class: "hit-cluster" }, hit.cluster)),
        h("p", { class: "badges" },
          readinessBadge(hit.e_readiness),
          hit.electronic ? h("span", { class: "badge online" }, "درخواست برخط") : null,
          hit.weak ? h("span", { class: "badge weak", title: "همه واژه‌های جست‌وجو در این خدمت نیست" }, "تطابق ناقص") : null),
        snippet.textContent ? snippet : null,
        // One link to the service's page (its title); the other goes to the agency's own system.
        external
          ? h("p", { class: "hit-actions" },
              h("a", { href: external, class: "external-link", target: "_blank", rel: "noopener noreferrer" }, "ورود به سامانه خدمت", h("span", { "aria-hidden": "true" }, " ↗")))
          : null,
      ),
    );
  }

  function readinessClass(x) {
    return x >= 0.75 ? "high" : x >= 0.5 ? "mid" : x > 0 ? "low" : "none";
  }

  function readinessBadge(x) {
    const v = Number(x) || 0;
    return h("span", { class: `badge readiness ${readinessClass(v)}`, title: "میزان الکترونیکی بودن مراحل خدمت" }, `الکترونیکی ${faPercent(v)}`);
  }

  function notice(kind, ...children) {
    return h("p", { class: `notice ${kind}` }, ...children);
  }

  function queryLink(text) {
    return h("a", { href: urlFor({ ...readState(""), q: text, sort: current.sort, electronic: current.electronic }) }, h("bdi", null, text));
  }

  function renderNotices(s, q, hits = []) {
    const box = $("#notices");
    const interp = Array.isArray(q.interpretation) ? q.interpretation : [];
    const typed = s.q || "";
    const out = [];
    // The results are for other words than those typed (keyboard layout, Latin letters, a
    // correction or a split): say so, and offer the search for the words as typed.
    const showing = q.showing_results_for;
    if (showing && !s.exact && fold(showing) !== fold(typed)) {
      const why = interp.some((it) => it.kind === "layout")
        ? ["«", h("bdi", { dir: "ltr" }, typed), "» با چینش صفحه‌کلید انگلیسی تایپ شده بود. "]
        : interp.some((it) => it.kind === "transliteration")
          ? ["«", h("bdi", { dir: "ltr" }, typed), "» فارسی با حروف لاتین بود. "]
          : [];
      out.push(
        notice("showing", ...why, "نتایج برای «", h("strong", null, h("bdi", null, showing)), "» نشان داده شده است. ",
          h("a", { href: urlFor({ ...searchOnly(s), page: 1, exact: true }), class: "exact-link" },
            "جست‌وجو برای «", h("bdi", { dir: "auto" }, typed), "» به همان صورت که نوشتید")),
      );
    }
    // A suggestion: the results are for what was typed.
    const suggestion = q.did_you_mean;
    if (suggestion && !s.exact && fold(suggestion) !== fold(typed)) {
      out.push(notice("didyoumean", "منظورتان «", queryLink(suggestion), "» بود؟"));
    }
    for (const it of interp) {
      if (it.kind === "synonym" && Array.isArray(it.to) && it.to.length) {
        out.push(notice("synonym", "هم‌معنی‌های «", h("bdi", null, it.from), "» هم جست‌وجو شد: ", it.to.map((t, i) => [i ? "، " : "", h("bdi", null, t)])));
      } else if (it.kind === "relaxed" && s.page === 1 && s.sort === "relevance" && hits.length && hits.every((hit) => hit.weak)) {
        // `relaxed` means some match lacks a word; only when even the best ones do is it news
        // (services with every word rank first, and the others carry their «تطابق ناقص» badge).
        out.push(notice("relaxed", "هیچ خدمتی همه واژه‌های جست‌وجوی شما را نداشت؛ خدمت‌هایی که بیشتر واژه‌ها را دارند با برچسب «تطابق ناقص» آمده‌اند."));
      }
    }
    box.replaceChildren(...out);
  }

  // A query that describes a life situation: what to do, step by step, each step a link to its
  // service (as GOV.UK's step-by-step navigation), above the results.
  function renderLifeEvent(s, event) {
    const box = $("#life-event");
    const steps = event && Array.isArray(event.steps) ? event.steps : [];
    if (!steps.length) {
      box.hidden = true;
      box.replaceChildren();
      return;
    }
    box.replaceChildren(
      h("h2", { id: "life-event-title", class: "life-event-title" }, display(event.title)),
      h("p", { class: "life-event-intro" }, "کارهایی که معمولاً در این وضعیت لازم است، به ترتیب:"),
      h(
        "ol",
        { class: "life-event-steps" },
        ...steps.map((step, i) =>
          h(
            "li",
            { class: "life-event-step" },
            h("span", { class: "step-number", "aria-hidden": "true" }, faNum(i + 1)),
            h("a", { href: urlFor({ ...searchOnly(s), service: step.id }) }, display(step.title)),
          ),
        ),
      ),
    );
    box.hidden = false;
  }

  function withFilter(s, facet, value, on) {
    const filters = { ...s.filters, [facet]: s.filters[facet].filter((v) => v !== value) };
    if (on) filters[facet] = [...filters[facet], value];
    return { ...searchOnly(s), filters, page: 1 };
  }

  function renderActiveFilters(s) {
    const box = $("#active-filters");
    const chips = [];
    for (const f of FACETS) {
      for (const v of s.filters[f]) {
        chips.push(
          h("li", null,
            h("button", { type: "button", class: "chip removable", "aria-label": `حذف فیلتر ${FACET_TITLES[f]}: ${label(f, v)}`, onclick: () => navigate(withFilter(current, f, v, false)) },
              h("span", { class: "chip-facet" }, FACET_TITLES[f] + ": "), label(f, v), h("span", { class: "chip-x", "aria-hidden": "true" }, "×"))),
        );
      }
    }
    if (s.electronic) {
      chips.push(h("li", null, h("button", { type: "button", class: "chip removable", "aria-label": "حذف فیلتر فقط خدمات الکترونیکی", onclick: () => navigate({ ...searchOnly(current), electronic: false, page: 1 }) }, "فقط الکترونیکی", h("span", { class: "chip-x", "aria-hidden": "true" }, "×"))));
    }
    box.replaceChildren(...chips);
    box.hidden = !chips.length;
    $("#clear-filters").hidden = !chips.length;
    const badge = $("#filter-badge");
    badge.hidden = !chips.length;
    badge.textContent = faNum(chips.length);
  }

  function renderFacets(s, facets) {
    // Re-rendering replaces the checkboxes: keep keyboard focus on the one the reader used.
    const focused = document.activeElement;
    const keep = focused && facetsBox.contains(focused) ? { facet: focused.dataset.facet, value: focused.value, more: focused.dataset.more } : null;

    const groups = [];
    for (const f of FACETS) {
      const values = Array.isArray(facets[f]) ? facets[f] : [];
      if (!values.length && !s.filters[f].length) continue;
      const expanded = expandedFacets.has(f);
      const shown = COLLAPSED.has(f) || expanded ? values : values.filter((v, i) => i < FACET_PREVIEW || v.selected);
      const list = h("ul", { class: "facet-values" },
        shown.map((v) =>
          h("li", null,
            h("label", { class: `facet-value${v.count ? "" : " zero"}` },
              h("input", { type: "checkbox", name: f, "data-facet": f, value: v.value, checked: !!v.selected }),
              h("span", { class: "facet-label" }, label(f, v.value)),
              h("span", { class: "facet-count" }, faNum(v.count))))),
      );
      const more =
        !COLLAPSED.has(f) && values.length > FACET_PREVIEW
          ? h("button", { type: "button", class: "link-button facet-more", "data-more": f, "aria-expanded": String(expanded) }, expanded ? "نمایش کمتر" : `نمایش همه (${faNum(values.length)})`)
          : null;
      if (COLLAPSED.has(f)) {
        const selected = s.filters[f].length;
        const details = h("details", { class: "facet collapsible", "data-facet": f, open: openFacets.has(f) || selected > 0 },
          h("summary", null, FACET_TITLES[f], selected ? h("span", { class: "count-badge" }, faNum(selected)) : null),
          h("fieldset", null, h("legend", { class: "visually-hidden" }, FACET_TITLES[f]), list));
        details.addEventListener("toggle", () => (details.open ? openFacets.add(f) : openFacets.delete(f)));
        groups.push(details);
      } else {
        groups.push(h("fieldset", { class: "facet", "data-facet": f }, h("legend", null, FACET_TITLES[f]), list, more));
      }
    }
    facetsBox.replaceChildren(...groups);

    if (keep) {
      const again = keep.more
        ? facetsBox.querySelector(`[data-more="${CSS.escape(keep.more)}"]`)
        : [...facetsBox.querySelectorAll("input[data-facet]")].find((i) => i.dataset.facet === keep.facet && i.value === keep.value);
      if (again) again.focus();
    }
  }

  facetsBox.addEventListener("change", (ev) => {
    const box = ev.target;
    if (!(box instanceof HTMLInputElement) || !box.dataset.facet) return;
    navigate(withFilter(current, box.dataset.facet, box.value, box.checked), { keepScroll: true });
  });
  facetsBox.addEventListener("click", (ev) => {
    const b = ev.target.closest("[data-more]");
    if (!b) return;
    const f = b.dataset.more;
    if (expandedFacets.has(f)) expandedFacets.delete(f);
    else expandedFacets.add(f);
    if (lastSearch) renderFacets(lastSearch.s, lastSearch.data.facets || {});
  });
  electronicBox.addEventListener("change", () => navigate({ ...searchOnly(current), electronic: electronicBox.checked, page: 1 }, { keepScroll: true }));
  sortSelect.addEventListener("change", () => navigate({ ...searchOnly(current), sort: sortSelect.value, page: 1 }, { keepScroll: true }));
  $("#clear-filters").addEventListener("click", () => navigate({ ...searchOnly(current), filters: emptyFilters(), electronic: false, page: 1 }));

  function setFiltersOpen(open) {
    filtersPanel.classList.toggle("open", open);
    filtersToggle.setAttribute("aria-expanded", String(open));
  }
  filtersToggle.addEventListener("click", () => setFiltersOpen(!filtersPanel.classList.contains("open")));

  // The filters' form is sent only without the script (each change applies at once here); its
  // button, «نمایش N نتیجه» in the phone's drawer, closes the drawer on the results.
  const showResultsButton = $("#show-results");
  $("#filters-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    setFiltersOpen(false);
    countLine.scrollIntoView({ block: "start" });
    countLine.focus({ preventScroll: true });
  });

  /** The results the server rendered for this address become the script's: only what it keeps
   * outside the page is set (the drawer button's count, which the server cannot know to show). */
  function takeOverResults() {
    const total = Number(resultsList.dataset.total);
    if (Number.isFinite(total)) showResultsButton.textContent = `نمایش ${faNum(total)} نتیجه`;
  }

  async function renderEmpty(s, total) {
    const tips = [];
    if (total > 0) {
      // Past the last page (e.g. an old shared link).
      emptyBox.replaceChildren(
        h("h2", null, "این صفحه نتیجه‌ای ندارد"),
        h("p", null, h("a", { href: urlFor({ ...searchOnly(s), page: 1 }) }, "بازگشت به صفحه نخست نتایج")),
      );
      emptyBox.hidden = false;
      return;
    }
    if (s.q) tips.push(h("li", null, "املای واژه‌ها را بررسی کنید، یا واژه‌های کمتر و کلی‌تری بنویسید."));
    if (s.q) tips.push(h("li", null, "نام رایج خدمت را امتحان کنید؛ مثلاً «گواهینامه» یا «گذرنامه»."));
    if (hasFilters(s)) {
      tips.push(
        h("li", null, "فیلترهای انتخاب‌شده را بردارید: ",
          h("button", { type: "button", class: "link-button", onclick: () => navigate({ ...searchOnly(current), filters: emptyFilters(), electronic: false, page: 1 }) }, "حذف همه فیلترها")),
      );
    }
    const popularList = h("ul", { class: "popular-inline" });
    emptyBox.replaceChildren(
      h("h2", null, s.q ? ["نتیجه‌ای برای «", h("bdi", null, s.q), "» پیدا نشد"] : "با این فیلترها خدمتی پیدا نشد"),
      tips.length ? h("ul", { class: "tips" }, tips) : null,
      h("h3", null, "پرکاربردترین خدمات"),
      popularList,
    );
    emptyBox.hidden = false;
    try {
      const data = await popular();
      popularList.replaceChildren(...data.hits.map((hit) => h("li", null, h("a", { href: urlFor({ ...readState(""), service: hit.id }) }, display(hit.title)))));
    } catch {
      popularList.remove();
    }
  }

  function renderPagination(s, pages) {
    const nav = $("#pagination");
    if (pages <= 1) {
      nav.hidden = true;
      nav.replaceChildren();
      return;
    }
    const link = (p, text, aria, cls) =>
      p === s.page && !cls
        ? h("span", { class: "page current", "aria-current": "page" }, text)
        : h("a", { class: `page${cls ? " " + cls : ""}`, href: urlFor({ ...searchOnly(s), page: p }), "aria-label": aria }, text);
    const items = [];
    if (s.page > 1) items.push(link(s.page - 1, "→ قبلی", "صفحه قبلی", "prev"));
    const wanted = new Set([1, pages, s.page - 1, s.page, s.page + 1].filter((p) => p >= 1 && p <= pages));
    if (s.page <= 3) [2, 3, 4].forEach((p) => p <= pages && wanted.add(p));
    if (s.page >= pages - 2) [pages - 1, pages - 2, pages - 3].forEach((p) => p >= 1 && wanted.add(p));
    let last = 0;
    for (const p of [...wanted].sort((a, b) => a - b)) {
      if (p - last > 1) items.push(h("span", { class: "page gap", "aria-hidden": "true" }, "…"));
      items.push(link(p, faNum(p), `صفحه ${faNum(p)}`));
      last = p;
    }
    if (s.page < pages) items.push(link(s.page + 1, "بعدی ←", "صفحه بعدی", "next"));
    nav.replaceChildren(h("ul", null, items.map((i) => h("li", null, i))));
    nav.hidden = false;
  }

  // -- one service --------------------------------------------------------------------------------

  const serviceBox = $("#service");
  let serviceCtl = null;

  function backToResults(s) {
    const depth = (history.state && history.state.depth) || 0;
    if (depth > 0) history.back();
    else navigate({ ...searchOnly(s), service: null });
  }

  function section(title, body, cls) {
    return body ? h("section", { class: `service-section${cls ? " " + cls : ""}` }, h("h2", null, title), body) : null;
  }

  const listOf = (tag, items, cls) => (Array.isArray(items) && items.length ? h(tag, { class: cls }, items.map((t) => h("li", null, display(t)))) : null);

  async function loadService(s, opts = {}) {
    if (serviceCtl) serviceCtl.abort();
    const ctl = (serviceCtl = new AbortController());
    const fromSearch = isSearch(s);
    const back = h("p", { class: "back" },
      h("button", { type: "button", class: "link-button back-button", onclick: () => backToResults(s) }, fromSearch ? "→ بازگشت به نتایج" : "→ بازگشت"));
    serviceBox.replaceChildren(back, h("p", { class: "loading-line" }, "در حال دریافت اطلاعات خدمت…"));
    serviceBox.setAttribute("aria-busy", "true");
    let card;
    let agencyTotal = null;
    try {
      const [c, a] = await Promise.all([getJSON(`${API}/services/${encodeURIComponent(s.service)}`, ctl.signal), agencies().catch(() => null)]);
      card = c;
      agencyTotal = a && Array.isArray(a.agencies) ? a.agencies.length : null;
    } catch (e) {
      if (e.name === "AbortError") return;
      serviceBox.setAttribute("aria-busy", "false");
      const box = h("div", { class: "error-box", role: "alert" });
      if (e.status === 404) {
        box.append(h("p", { class: "error-title" }, "خدمتی با این شناسه پیدا نشد."), h("p", null, "شاید خدمت حذف شده یا نشانی اشتباه است. ", h("a", { href: "/" }, "جست‌وجو در همه خدمات")));
      } else renderError(box, e, () => loadService(readState()));
      box.hidden = false;
      serviceBox.replaceChildren(back, box);
      document.title = "خدمت پیدا نشد — درگاه";
      return;
    }
    if (ctl !== serviceCtl) return;
    serviceBox.setAttribute("aria-busy", "false");
    document.title = `${display(card.title)} — درگاه`;
    serviceBox.replaceChildren(back, renderService(card, agencyTotal));
    afterRender(opts);
    if (!opts.restoring) {
      const title = $("#service-title");
      if (title) title.focus({ preventScroll: true });
    }
  }

  function renderService(c, agencyTotal) {
    const external = safeUrl(c.url);
    const readiness = Number(c.e_readiness) || 0;
    const stages = c.e_stages || {};
    const channels = Array.isArray(c.channels) ? c.channels : [];
    const facts = [
      ["هزینه", c.fee ? faDigits(c.fee) : null],
      ["مدت زمان انجام", c.duration ? faDigits(c.duration) : null],
      ["مخاطب", Array.isArray(c.audience) && c.audience.length ? c.audience.map((a) => label("audience", a)).join("، ") : null],
      ["سطح ارائه", c.level ? label("level", c.level) : null],
      ["دستگاه مادر", c.parent_agency || null],
      ["آخرین به‌روزرسانی", c.updated_at ? faDate(c.updated_at) : null],
    ].filter(([, v]) => v);

    const rank = c.agency_rank
      ? h("p", { class: "agency-rank" },
          "رتبه «", h("a", { href: urlFor({ ...readState(""), filters: { ...emptyFilters(), agency: [c.agency] }, q: "" }) }, c.agency), "» در رتبه‌بندی ملی: ",
          h("strong", null, faNum(c.agency_rank)), agencyTotal ? ` از ${faNum(agencyTotal)} دستگاه` : "",
          " — ", h("a", { href: reportUrl({ agency: c.agency }) }, "گزارش آمادگی این دستگاه"))
      : null;

    return h("article", { class: "service-card" },
      h("header", { class: "service-head" },
        h("p", { class: "service-cluster" }, h("a", { href: urlFor({ ...readState(""), q: "", filters: { ...emptyFilters(), cluster: [c.cluster] } }) }, c.cluster)),
        h("h1", { id: "service-title", class: "page-title", tabindex: "-1" }, display(c.title)),
        h("p", { class: "service-agency" }, c.agency),
        h("p", { class: "badges" }, readinessBadge(readiness), stages.application ? h("span", { class: "badge online" }, "درخواست برخط") : null),
        external ? h("p", { class: "service-cta" }, h("a", { href: external, class: "button primary", target: "_blank", rel: "noopener noreferrer" }, "ورود به سامانه خدمت", h("span", { "aria-hidden": "true" }, " ↗"))) : null),
      h("div", { class: "service-grid" },
        h("div", { class: "service-main" },
          c.description ? h("p", { class: "service-description" }, display(c.description)) : null,
          section("مراحل دریافت خدمت", listOf("ol", c.steps, "steps")),
          section("مدارک لازم", listOf("ul", c.documents, "documents")),
          section("استعلام‌های دستگاه", listOf("ul", c.inquiries, "plain-list")),
          section("قوانین و مقررات", listOf("ul", c.legal_basis, "plain-list")),
          !(c.steps && c.steps.length) && !(c.documents && c.documents.length) ? h("p", { class: "muted" }, "مراحل و مدارک این خدمت هنوز ثبت نشده است.") : null),
        h("aside", { class: "service-side" },
          h("section", { class: "side-card readiness-card" },
            h("h2", null, "آمادگی الکترونیکی"),
            h("div", { class: "readiness-big" },
              h("span", { class: `readiness-value ${readinessClass(readiness)}` }, faPercent(readiness)),
              h("meter", { min: "0", max: "1", low: "0.5", high: "0.75", optimum: "1", value: String(readiness), "aria-label": "آمادگی الکترونیکی" }, faPercent(readiness))),
            h("ul", { class: "stages" },
              STAGES.map(([k, name]) =>
                h("li", { class: stages[k] ? "yes" : "no" }, h("span", { class: "stage-mark", "aria-hidden": "true" }, stages[k] ? "✓" : "✗"), name, h("span", { class: "visually-hidden" }, stages[k] ? ": الکترونیکی" : ": غیرالکترونیکی")))),
            rank),
          section("کانال‌های دریافت خدمت",
            channels.length
              ? h("ul", { class: "channels" },
                  channels.map((ch) => {
                    const link = safeUrl(ch.address);
                    return h("li", null,
                      h("span", { class: "channel-type" }, label("channel", ch.type)),
                      ch.address ? h("span", { class: "channel-address" }, link ? h("a", { href: link, target: "_blank", rel: "noopener noreferrer", dir: "ltr" }, ch.address) : ch.address) : null);
                  }))
              : h("p", { class: "muted" }, "کانالی ثبت نشده است."),
            "side-card"),
          facts.length
            ? section("اطلاعات خدمت", h("dl", { class: "facts" }, facts.map(([k, v]) => [h("dt", null, k), h("dd", null, v)])), "side-card")
            : null)));
  }

  // -- the national e-readiness report --------------------------------------------------------------
  //
  // Every figure comes from /api/v1/report (computed once per index generation on the server); the
  // charts are inline SVG drawn here, each beside a table holding the same numbers. Geometry is set
  // with setAttribute on SVG elements, never with style attributes, so the page's CSP stays as it is.

  const report = () => cached("report", `${API}/report`);
  const SVG_NS = "http://www.w3.org/2000/svg";
  const CHECK_LABELS = {
    no_url: "درخواست الکترونیکی بدون نشانی سامانه",
    no_documents: "بدون فهرست مدارک",
    no_steps: "بدون مراحل انجام",
    no_channels: "بدون کانال دریافت",
    stale: "به‌روز نشده در یک سال گذشته",
    short_description: "شرح کوتاه‌تر از یک جمله",
  };
  const CHECK_RULES = {
    no_url: "مرحله دریافت درخواست الکترونیکی است اما نشانی سامانه (url) ثبت نشده است.",
    no_documents: "هیچ مدرک لازمی ثبت نشده است.",
    no_steps: "مراحل دریافت خدمت ثبت نشده است.",
    no_channels: "هیچ کانال دریافت خدمت ثبت نشده است.",
    stale: "تاریخ به‌روزرسانی ثبت نشده یا بیش از یک سال پیش از انتشار این گزارش است.",
    short_description: "شرح خدمت ثبت نشده یا کمتر از شش واژه است.",
  };
  const BY_TITLES = { agency: "دستگاه", parent: "دستگاه مادر", cluster: "خوشه" };
  const reportBox = $("#view-report");
  const agenciesBox = $("#agencies");
  const agencyFilter = $("#agency-filter");
  const reportBy = $("#report-by");
  const reportSort = $("#report-sort");
  const trendOf = $("#trend-of");
  let reportData = null;

  /** An SVG element; attributes via setAttribute (presentation attributes, not style), text as a node. */
  function svg(tag, attrs, ...children) {
    const e = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v != null) e.setAttribute(k, String(v));
    for (const c of children.flat()) if (c != null) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }

  /** A chart's root: sized by its viewBox and the stylesheet, named for screen readers. Its text
   * follows the page's direction (right to left): text-anchor "start" is a text's right end. */
  function chart(width, height, name, cls) {
    return svg("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img", "aria-label": name, class: `svg-chart ${cls || ""}`, focusable: "false" });
  }

  const stageName = (k) => STAGES.find(([key]) => key === k)[1];
  const stagesText = (st) => STAGES.map(([k, name]) => `${name} ${faPercent(st[k])}`).join("، ");

  /** One stacked bar: its length is the e-readiness, each stage adding a quarter of its share. */
  function stackedBar(row) {
    const bar = chart(100, 10, `آمادگی ${faPercent(row.e_readiness)}: ${stagesText(row.stages)}`, "stack");
    bar.setAttribute("preserveAspectRatio", "none");
    bar.append(svg("rect", { x: 0, y: 0, width: 100, height: 10, class: "stack-bg" }));
    let right = 100; // right to left, as the page reads
    for (const [k] of STAGES) {
      const w = (Number(row.stages[k]) || 0) * 25;
      if (w > 0) bar.append(svg("rect", { x: right - w, y: 0, width: w, height: 10, class: `stage-${k}` }));
      right -= w;
    }
    return bar;
  }

  /** Horizontal bars, one per [label, share], growing from the right. */
  function shareBars(items, name) {
    const rowH = 34;
    const g = chart(360, items.length * rowH + 8, name, "bars");
    items.forEach(([label, share, cls], i) => {
      const y = i * rowH + 6;
      const w = Math.max(0, Math.min(1, share)) * 220;
      g.append(
        svg("text", { x: 356, y: y + 15, class: "chart-label", "text-anchor": "start" }, label),
        svg("rect", { x: 0, y: y + 20, width: 260, height: 8, class: "track" }),
        svg("rect", { x: 260 - w, y: y + 20, width: w, height: 8, class: cls || "bar-fill" }),
        svg("text", { x: 310, y: y + 29, class: "chart-value", "text-anchor": "middle" }, faPercent(share)),
      );
    });
    return g;
  }

  /** Vertical bars of counts, the first on the right. */
  function countBars(items, name) {
    const w = 360, h = 190, top = 22, bottom = 30, slot = w / items.length;
    const max = Math.max(1, ...items.map(([, n]) => n));
    const g = chart(w, h, name, "columns");
    g.append(svg("line", { x1: 0, x2: w, y1: h - bottom, y2: h - bottom, class: "axis" }));
    items.forEach(([label, n], i) => {
      const bh = ((h - top - bottom) * n) / max;
      const x = w - (i + 1) * slot + slot * 0.2;
      g.append(
        svg("rect", { x, y: h - bottom - bh, width: slot * 0.6, height: bh, class: "bar-fill" }),
        svg("text", { x: x + slot * 0.3, y: h - bottom - bh - 6, class: "chart-value", "text-anchor": "middle" }, faNum(n)),
        svg("text", { x: x + slot * 0.3, y: h - 10, class: "chart-label", "text-anchor": "middle" }, label),
      );
    });
    return g;
  }

  /** A line of e-readiness over publications, the earliest on the right. */
  function trendLine(points, name) {
    const w = 360, h = 200, left = 8, right = 40, top = 14, bottom = 30;
    const g = chart(w, h, name, "trend");
    const y = (v) => top + (1 - v) * (h - top - bottom);
    for (const v of [0, 0.25, 0.5, 0.75, 1]) {
      g.append(
        svg("line", { x1: left, x2: w - right, y1: y(v), y2: y(v), class: v ? "grid" : "axis" }),
        svg("text", { x: w - right + 4, y: y(v) + 4, class: "chart-label", "text-anchor": "end" }, faPercent(v)),
      );
    }
    const span = w - right - left;
    const x = (i) => (points.length === 1 ? w - right - span / 2 : w - right - (span * i) / (points.length - 1));
    if (points.length > 1) {
      g.append(svg("polyline", { points: points.map((p, i) => `${x(i)},${y(p.e_readiness)}`).join(" "), class: "trend-line" }));
    }
    points.forEach((p, i) => g.append(svg("circle", { cx: x(i), cy: y(p.e_readiness), r: 3.5, class: "trend-point" })));
    if (points.length) {
      const first = points[0], last = points[points.length - 1];
      g.append(svg("text", { x: x(0), y: h - 8, class: "chart-label", "text-anchor": points.length > 1 ? "start" : "middle" }, faDate(first.published_at.slice(0, 10))));
      if (points.length > 1) g.append(svg("text", { x: x(points.length - 1), y: h - 8, class: "chart-label", "text-anchor": "end" }, faDate(last.published_at.slice(0, 10))));
    }
    return g;
  }

  /** A table: caption, header cells and rows of cells (a cell is text, a node, or [node, attrs]). */
  function table(el, caption, head, rows) {
    el.replaceChildren(
      h("caption", { class: "visually-hidden" }, caption),
      h("thead", null, h("tr", null, head.map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", null, rows.map((cells) => h("tr", null, cells.map((c, i) => (i === 0 ? h("th", { scope: "row" }, c) : h("td", null, c)))))),
    );
    return el;
  }

  const reportUrl = (params) => "/?" + new URLSearchParams({ view: "report", ...params }).toString();
  const servicesUrl = (facet, value) => urlFor({ ...readState(""), q: "", filters: { ...emptyFilters(), [facet]: [value] } });

  async function loadReport(opts = {}, focusRanking = false) {
    document.title = "گزارش ملی آمادگی الکترونیکی — درگاه";
    const errorBox = $("#report-error");
    errorBox.hidden = true;
    if (!reportData && !opts.quiet) agenciesBox.replaceChildren(h("p", { class: "loading-line" }, "در حال دریافت گزارش…"));
    try {
      reportData = await report();
    } catch (e) {
      renderError(errorBox, e, () => loadReport(opts, focusRanking));
      agenciesBox.replaceChildren();
      return;
    }
    renderReport(reportData);
    afterRender(opts);
    if (focusRanking) {
      $("#ranking-title").focus({ preventScroll: true });
      $("#ranking").scrollIntoView();
    } else if (!opts.restoring) $("#report-title").focus({ preventScroll: true });
  }

  function renderReport(r) {
    $("#report-meta").replaceChildren(
      `بر پایه ${faNum(r.services)} شناسنامه خدمت از ${faNum(r.agencies)} دستگاه، منتشرشده در `,
      h("time", { datetime: r.published_at }, faDate(r.published_at.slice(0, 10))),
      ".",
    );
    const glance = [
      ["خدمات", faNum(r.services)],
      ["دستگاه‌ها", faNum(r.agencies)],
      ["میانگین آمادگی الکترونیکی", faPercent(r.e_readiness)],
      ["تمام‌الکترونیکی (هر چهار مرحله)", faPercent(r.fully_electronic)],
      ["فقط اطلاع‌رسانی", faPercent(r.information_only)],
      ["شناسنامه کامل", faPercent(r.complete_share)],
    ];
    $("#report-glance").replaceChildren(...glance.map(([k, v]) => h("div", { class: "glance-item" }, h("dt", null, k), h("dd", null, v))));

    const stageItems = STAGES.map(([k, name]) => [name, r.stages[k], `stage-${k}`]);
    $("#stages-chart").replaceChildren(shareBars(stageItems, `سهم خدمات الکترونیکی در هر مرحله: ${stagesText(r.stages)}`));
    table($("#stages-table"), "سهم خدمات الکترونیکی در هر مرحله", ["مرحله", "سهم خدمات"], stageItems.map(([name, share]) => [name, faPercent(share)]));

    const dist = (r.distribution || []).map((d) => [faPercent(d.e_readiness), d.count]);
    $("#distribution-chart").replaceChildren(countBars(dist, "تعداد خدمات در هر سطح آمادگی: " + dist.map(([l, n]) => `${l}: ${faNum(n)}`).join("، ")));
    table($("#distribution-table"), "تعداد خدمات در هر سطح آمادگی الکترونیکی", ["آمادگی الکترونیکی", "تعداد خدمات"], dist.map(([l, n]) => [l, faNum(n)]));

    renderRanking();
    renderTrendChoices(r);
    renderBus(r);
    renderQuality(r);
  }

  /** The rows in the reader's chosen order: the API's (by rank), by name, or highest first. */
  function sortedRows(rows) {
    const key = reportSort.value;
    const out = [...rows];
    if (key === "name") out.sort((a, b) => a.value.localeCompare(b.value, "fa"));
    else if (key === "count") out.sort((a, b) => b.count - a.count || a.rank - b.rank);
    else if (key === "complete_share") out.sort((a, b) => b.complete_share - a.complete_share || a.rank - b.rank);
    else if (key !== "rank") out.sort((a, b) => b.stages[key] - a.stages[key] || a.rank - b.rank);
    return out;
  }

  function renderRanking() {
    if (!reportData) return;
    const by = reportBy.value;
    const agencyNames = new Set(reportData.by_agency.map((a) => a.value));
    const rows = sortedRows(reportData[`by_${by}`] || []);
    const nameCell = (row) => {
      if (by === "cluster") return h("a", { href: servicesUrl("cluster", row.value) }, row.value);
      if (agencyNames.has(row.value)) return h("a", { href: reportUrl({ agency: row.value }) }, row.value);
      return row.value;
    };
    const countCell = (row) =>
      by === "parent" ? `${faNum(row.count)} خدمت، ${faNum(row.agencies || 1)} دستگاه` : h("a", { href: servicesUrl(by, row.value), "aria-label": `${faNum(row.count)} خدمت ${row.value}` }, faNum(row.count));
    const trs = rows.map((row) =>
      h("tr", { "data-name": fold(row.value), "data-value": row.value },
        h("td", { class: "rank" }, faNum(row.rank)),
        h("th", { scope: "row", class: "agency-name" }, nameCell(row)),
        h("td", { class: "num" }, countCell(row)),
        h("td", { class: "bar-cell" },
          h("div", { class: "bar" }, stackedBar(row), h("span", { class: `bar-value ${readinessClass(row.e_readiness)}` }, faPercent(row.e_readiness)))),
        STAGES.map(([k]) => h("td", { class: `stage-cell stage-col-${k}` }, faPercent(row.stages[k]))),
        h("td", { class: "num complete-cell" }, faPercent(row.complete_share))),
    );
    agenciesBox.replaceChildren(
      h("div", { class: "table-wrap" },
        h("table", { class: "ranking report-ranking", "data-by": by },
          h("caption", { class: "visually-hidden" }, `${BY_TITLES[by]}\u200cها به ترتیب آمادگی الکترونیکی خدماتشان، با سهم هر مرحله`),
          h("thead", null,
            h("tr", null,
              h("th", { scope: "col" }, "رتبه"),
              h("th", { scope: "col" }, BY_TITLES[by]),
              h("th", { scope: "col", class: "num" }, "خدمات"),
              h("th", { scope: "col" }, "آمادگی الکترونیکی"),
              STAGES.map(([k, name]) => h("th", { scope: "col", class: `stage-cell stage-col-${k}` }, name)),
              h("th", { scope: "col", class: "num complete-cell" }, "شناسنامه کامل"))),
          h("tbody", null, trs))),
    );
    filterAgencies();
  }

  function filterAgencies() {
    const want = fold(agencyFilter.value);
    let shown = 0;
    const rows = agenciesBox.querySelectorAll("tbody tr");
    for (const tr of rows) {
      const on = !want || tr.dataset.name.includes(want);
      tr.hidden = !on;
      if (on) shown++;
    }
    $("#agency-count").textContent = rows.length ? `${faNum(shown)} ${BY_TITLES[reportBy.value]}` : "";
  }
  agencyFilter.addEventListener("input", filterAgencies);
  reportBy.addEventListener("change", renderRanking);
  reportSort.addEventListener("change", renderRanking);

  function renderTrendChoices(r) {
    const was = trendOf.value;
    trendOf.replaceChildren(
      h("option", { value: "" }, "کل کشور"),
      h("optgroup", { label: "دستگاه‌ها" }, r.by_agency.map((a) => h("option", { value: `agency:${a.value}` }, a.value))),
      h("optgroup", { label: "دستگاه‌های مادر" }, r.by_parent.map((a) => h("option", { value: `parent:${a.value}` }, a.value))),
    );
    trendOf.value = [...trendOf.options].some((o) => o.value === was) ? was : "";
    loadTrend();
  }

  async function loadTrend() {
    const choice = trendOf.value;
    const [kind, ...rest] = choice ? choice.split(":") : [null];
    const params = kind ? { [kind]: rest.join(":") } : {};
    const label = kind ? rest.join(":") : "کل کشور";
    const box = $("#trend-chart");
    try {
      const data = await getJSON(`${API}/report/history?${new URLSearchParams(params)}`);
      if (trendOf.value !== choice) return;
      drawTrend(box, $("#trend-table"), data.series || [], label);
    } catch (e) {
      const err = h("div", { class: "error-box", role: "alert" });
      renderError(err, e, loadTrend);
      box.replaceChildren(err);
    }
  }
  trendOf.addEventListener("change", loadTrend);

  function drawTrend(box, tableEl, series, label) {
    box.replaceChildren(trendLine(series, `روند آمادگی الکترونیکی ${label}: ` + series.map((p) => `${faDate(p.published_at.slice(0, 10))} ${faPercent(p.e_readiness)}`).join("، ")));
    table(tableEl, `آمادگی الکترونیکی ${label} در هر انتشار`, ["تاریخ انتشار", "آمادگی الکترونیکی", "رتبه", "خدمات", "شناسنامه کامل"],
      series.map((p) => [h("time", { datetime: p.published_at }, faDate(p.published_at.slice(0, 10))), faPercent(p.e_readiness), p.rank ? faNum(p.rank) : "—", faNum(p.count), faPercent(p.complete_share)]));
  }

  function renderBus(r) {
    const q = r.inquiries || { most_asked: [] };
    $("#bus-lead").textContent =
      `${faNum(q.services || 0)} خدمت به استعلام از دستگاه‌های دیگر وابسته است؛ درخواست ${faNum(q.electronic_services || 0)} خدمت از آن‌ها الکترونیکی است و همین‌جاست که گذرگاه خدمات دولت اهمیت دارد. ` +
      `${faNum(q.unrecognised || 0)} سطر استعلام از ${faNum(q.lines || 0)} سطر، نام دستگاهی از این فهرست را ندارد.`;
    table($("#bus-table"), "دستگاه‌هایی که بیشترین استعلام از آن‌ها می‌شود",
      ["دستگاه", "خدمات دستگاه‌های دیگر که به آن وابسته‌اند", "دستگاه‌های استعلام‌کننده", "از این میان، خدمات با درخواست الکترونیکی"],
      (q.most_asked || []).slice(0, 15).map((a) => [h("a", { href: reportUrl({ agency: a.agency }) }, a.agency), faNum(a.services), faNum(a.agencies), faNum(a.electronic_services)]));
  }

  function renderQuality(r) {
    const checks = (r.quality && r.quality.checks) || [];
    table($("#quality-table"), "بررسی‌های کیفیت شناسنامه و تعداد شناسنامه‌هایی که هر یک را رد می‌کنند", ["بررسی", "قاعده", "شناسنامه‌های ناقص"],
      checks.map((c) => [CHECK_LABELS[c.check] || c.check, CHECK_RULES[c.check] || c.rule, faNum(c.failing)]));
  }

  $("#report-print").addEventListener("click", () => window.print());

  // -- one agency in the report ---------------------------------------------------------------------

  const agencyReportBox = $("#agency-report");
  let agencyReportCtl = null;

  async function loadAgencyReport(name, opts = {}) {
    if (agencyReportCtl) agencyReportCtl.abort();
    const ctl = (agencyReportCtl = new AbortController());
    document.title = `${name} — گزارش آمادگی الکترونیکی — درگاه`;
    if (!opts.quiet) agencyReportBox.replaceChildren(h("p", { class: "loading-line" }, "در حال دریافت گزارش دستگاه…"));
    let page, national;
    try {
      [page, national] = await Promise.all([getJSON(`${API}/report/agencies/${encodeURIComponent(name)}`, ctl.signal), report().catch(() => null)]);
    } catch (e) {
      if (e.name === "AbortError") return;
      const box = h("div", { class: "error-box", role: "alert" });
      if (e.status === 404) box.append(h("p", { class: "error-title" }, "دستگاهی با این نام در گزارش نیست."), h("p", null, h("a", { href: "/?view=report" }, "بازگشت به گزارش ملی")));
      else renderError(box, e, () => loadAgencyReport(name));
      box.hidden = false;
      agencyReportBox.replaceChildren(box);
      return;
    }
    if (ctl !== agencyReportCtl) return;
    agencyReportBox.replaceChildren(renderAgencyReport(page, national));
    afterRender(opts);
    if (!opts.restoring) $("#agency-report-title").focus({ preventScroll: true });
  }

  function renderAgencyReport(p, national) {
    const f = p.figures;
    const total = national ? national.agencies : null;
    const toFix = p.cards.filter((c) => c.failed.length);
    const stageItems = STAGES.map(([k, name]) => [name, f.stages[k], `stage-${k}`]);
    const trendBox = h("div", { class: "chart", id: "agency-trend-chart" });
    const trendTable = h("table", { class: "ranking compact", id: "agency-trend-table" });
    drawTrend(trendBox, trendTable, p.history || [], p.agency);
    const deps = p.inquiries.depends_on;
    const askers = p.inquiries.asked_by;
    return h("article", { class: "agency-report" },
      h("header", { class: "report-head" },
        h("h1", { id: "agency-report-title", class: "page-title", tabindex: "-1" }, p.agency),
        h("p", { class: "page-lead" }, p.parent ? ["دستگاه مادر: ", p.parent, "."] : "بدون دستگاه مادر.", " ", h("a", { href: servicesUrl("agency", p.agency) }, "خدمات این دستگاه در جست‌وجو"))),
      h("dl", { class: "glance", id: "agency-glance" },
        [
          ["رتبه ملی", total ? `${faNum(f.rank)} از ${faNum(total)}` : faNum(f.rank)],
          ["خدمات", faNum(f.count)],
          ["آمادگی الکترونیکی", faPercent(f.e_readiness)],
          ["تمام‌الکترونیکی", faPercent(f.fully_electronic)],
          ["شناسنامه کامل", faPercent(f.complete_share)],
        ].map(([k, v]) => h("div", { class: "glance-item" }, h("dt", null, k), h("dd", null, v)))),
      h("div", { class: "chart-pair" },
        h("figure", { class: "chart-box" },
          h("figcaption", null, "سهم خدمات الکترونیکی در هر مرحله"),
          h("div", { class: "chart" }, shareBars(stageItems, `سهم خدمات الکترونیکی ${p.agency} در هر مرحله: ${stagesText(f.stages)}`)),
          h("div", { class: "table-wrap" }, table(h("table", { class: "ranking compact", id: "agency-stages-table" }), "سهم خدمات الکترونیکی در هر مرحله", ["مرحله", "سهم خدمات"], stageItems.map(([name, share]) => [name, faPercent(share)])))),
        h("figure", { class: "chart-box" },
          h("figcaption", null, "روند آمادگی الکترونیکی در انتشارهای پیاپی"),
          trendBox,
          h("div", { class: "table-wrap" }, trendTable))),
      h("section", { class: "report-section", "aria-labelledby": "to-fix-title" },
        h("h2", { id: "to-fix-title", class: "section-title" }, `شناسنامه‌هایی که باید اصلاح شوند (${faNum(toFix.length)} از ${faNum(p.cards.length)})`),
        toFix.length
          ? h("ul", { id: "cards-to-fix", class: "to-fix" },
              toFix.map((c) =>
                h("li", { "data-id": c.id },
                  h("a", { href: urlFor({ ...readState(""), service: c.id }) }, display(c.title)),
                  h("ul", { class: "problems" }, c.failed.map((k) => h("li", null, CHECK_LABELS[k] || k))))))
          : h("p", { id: "cards-to-fix-none" }, "همه شناسنامه‌های این دستگاه کامل است."),
        h("div", { class: "table-wrap" },
          table(h("table", { class: "ranking", id: "agency-checks-table" }), "تعداد شناسنامه‌های ناقص در هر بررسی", ["بررسی", "شناسنامه‌های ناقص"],
            Object.entries(p.checks).map(([k, ids]) => [CHECK_LABELS[k] || k, faNum(ids.length)])))),
      h("section", { class: "report-section", "aria-labelledby": "agency-cards-title" },
        h("h2", { id: "agency-cards-title", class: "section-title" }, "خدمات دستگاه و مراحل الکترونیکی آن‌ها"),
        h("div", { class: "table-wrap" },
          table(h("table", { class: "ranking", id: "agency-cards-table" }), "خدمات دستگاه با مراحل الکترونیکی و بررسی‌های ردشده",
            ["خدمت", "آمادگی", ...STAGES.map(([, name]) => name), "کاستی‌ها"],
            p.cards.map((c) => [
              h("a", { href: urlFor({ ...readState(""), service: c.id }) }, display(c.title)),
              faPercent(c.e_readiness),
              ...STAGES.map(([k]) => h("span", { class: c.stages[k] ? "yes" : "no" }, c.stages[k] ? "✓ الکترونیکی" : "✗ غیرالکترونیکی")),
              c.failed.length ? c.failed.map((k) => CHECK_LABELS[k] || k).join("؛ ") : "—",
            ])))),
      h("section", { class: "report-section", "aria-labelledby": "agency-bus-title" },
        h("h2", { id: "agency-bus-title", class: "section-title" }, "استعلام‌های میان‌دستگاهی"),
        h("p", null, `${faNum(askers.services)} خدمت از دستگاه‌های دیگر به استعلام از این دستگاه وابسته است.`),
        askers.agencies.length
          ? h("ul", { class: "plain-list" }, askers.agencies.map((a) => h("li", null, h("a", { href: reportUrl({ agency: a.agency }) }, a.agency), ` — ${faNum(a.services)} خدمت`)))
          : null,
        h("p", null, deps.length ? "خدمات این دستگاه به استعلام از این دستگاه‌ها وابسته است:" : "خدمات این دستگاه به استعلام از دستگاه دیگری وابسته نیست."),
        deps.length
          ? h("ul", { class: "plain-list" }, deps.map((d) => h("li", null, h("a", { href: reportUrl({ agency: d.agency }) }, d.agency), ` — ${faNum(d.services.length)} خدمت`)))
          : null),
    );
  }

  // -- home -----------------------------------------------------------------------------------------

  async function loadHome(opts = {}) {
    document.title = "درگاه — جست‌وجوی خدمات دولت";
    const chips = $("#home-clusters");
    const list = $("#home-popular");
    try {
      const [c, p] = await Promise.all([clusters(), popular()]);
      chips.replaceChildren(
        ...(c.clusters || []).map((cl) =>
          h("li", null, h("a", { class: "chip", href: urlFor({ ...readState(""), q: "", filters: { ...emptyFilters(), cluster: [cl.value] } }) }, cl.value, h("span", { class: "chip-count" }, faNum(cl.count))))),
      );
      list.replaceChildren(
        ...(p.hits || []).map((hit) =>
          h("li", null,
            h("a", { href: urlFor({ ...readState(""), service: hit.id }), class: "popular-title" }, display(hit.title)),
            h("span", { class: "popular-meta" }, hit.agency),
            readinessBadge(hit.e_readiness))),
      );
    } catch (e) {
      const box = h("div", { class: "error-box", role: "alert" });
      renderError(box, e, () => loadHome());
      list.replaceChildren(h("li", null, box));
    }
    afterRender(opts);
  }

  // -- start ------------------------------------------------------------------------------------------

  if ("scrollRestoration" in history) history.scrollRestoration = "manual";
  history.replaceState({ depth: 0, scroll: 0, ...(history.state || {}) }, "");
  render({ restoring: true });
})();
