// newsfacts report: renders the data embedded in the page (no network, no libraries).
// Every piece of text from documents, facts or gold goes into the page as a text node,
// never as markup.
"use strict";
(function () {
  const D = JSON.parse(document.getElementById("newsfacts-data").textContent);
  const S = D.strings, R = D.rows, DOCS = D.docs, N = R.id.length;
  const PAGE = 100, DOC_PAGE = 50;
  const MINUS = "\u2212";

  // ---- small DOM helpers -------------------------------------------------------------
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "onclick") el.addEventListener("click", v);
      else if (k === "text") el.textContent = v;
      else el.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      el.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return el;
  }
  const SVG = "http://www.w3.org/2000/svg";
  function s(tag, attrs, text) {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
    if (text !== undefined) el.textContent = text;
    return el;
  }
  const $ = (id) => document.getElementById(id);
  const str = (i) => (i < 0 ? "" : S[i]);

  // ---- values in readable units ----------------------------------------------------------
  const SCALES = [[1e12, "tn"], [1e9, "bn"], [1e6, "mn"]];
  function signed(text, negative) { return (negative ? MINUS : "") + text; }
  function grouped(x, digits) {
    return x.toLocaleString("en-US", {maximumFractionDigits: digits});
  }
  function readable(value, unit) {
    if (value === null || !isFinite(value)) return "–";
    const a = Math.abs(value), neg = value < 0;
    if (unit === "percent") return signed(a.toFixed(1), neg) + " %";
    let body = null;
    for (const [f, name] of SCALES) {
      if (a >= f) { body = (a / f).toFixed(a / f >= 100 ? 0 : 1) + " " + name; break; }
    }
    if (body === null) body = grouped(a, a < 100 ? 2 : 0);
    body = signed(body, neg);
    return unit && unit !== "count" ? unit + " " + body : body;
  }
  function exact(value, unit) {
    if (value === null || !isFinite(value)) return "no value";
    return grouped(value, 6) + " " + (unit || "");
  }
  function periodLabel(r) {
    const p = str(R.period[r]);
    if (p) return p;
    if (R.start[r] || R.end[r]) return (R.start[r] || "…") + " – " + (R.end[r] || "…");
    return "";
  }
  function rowLabel(r) {
    const item = str(R.item[r]);
    return str(R.entity[r]) + " · " + str(R.metric[r]) + (item ? " (" + item + ")" : "") +
      " · " + readable(R.value[r], str(R.unit[r])) + " · " + (periodLabel(r) || "no period") +
      " · " + str(R.status[r]) + " · confidence " + R.confidence[r].toFixed(2);
  }
  function docHref(d, at) { return "#doc=" + d + (at === undefined ? "" : "&at=" + at); }

  // ---- tabs and routing ------------------------------------------------------------------
  const TABS = ["table", "charts", "articles", "quality"];
  function showTab(name) {
    for (const t of TABS) {
      const sec = $("tab-" + t), link = $("nav-" + t);
      if (!sec) continue;
      sec.classList.toggle("active", t === name);
      link.classList.toggle("active", t === name);
    }
  }
  function route() {
    const hash = decodeURIComponent(location.hash.slice(1));
    const m = /^doc=(\d+)(?:&at=(\d+))?$/.exec(hash);
    if (m) { showTab("articles"); openDoc(Number(m[1]), m[2] === undefined ? null : Number(m[2])); }
    else if (TABS.includes(hash)) showTab(hash);
    else if (hash === "") showTab("table");
  }

  // ---- fact table --------------------------------------------------------------------------
  const F = {};  // filter inputs
  const state = {sort: null, desc: false, page: 0, rows: [], picked: -1};
  const entityIds = new Map();  // lower-cased entity -> string index
  for (let r = 0; r < N; r++) entityIds.set(S[R.entity[r]].toLowerCase(), R.entity[r]);
  let evidenceLower = null;

  function counted(column) {
    const counts = new Map();
    for (let r = 0; r < N; r++) counts.set(column[r], (counts.get(column[r]) || 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || str(a[0]).localeCompare(str(b[0])));
  }
  function selectOf(id, label, entries, any) {
    const sel = h("select", {id: id}, h("option", {value: ""}, any));
    for (const [value, text] of entries) sel.appendChild(h("option", {value: value}, text));
    return h("label", {}, label, sel);
  }
  function buildFilters() {
    const box = $("filters");
    const names = h("datalist", {id: "entity-names"});
    for (const [i, n] of counted(R.entity)) names.appendChild(h("option", {value: S[i]}, S[i] + " (" + n + ")"));
    box.appendChild(names);
    box.appendChild(h("label", {}, "entity", h("input", {id: "f-entity", list: "entity-names",
      placeholder: "name or part of one", size: 22})));
    box.appendChild(selectOf("f-metric", "metric",
      counted(R.metric).map(([i, n]) => [i, S[i] + " (" + n + ")"]), "all metrics"));
    box.appendChild(selectOf("f-status", "status",
      counted(R.status).map(([i, n]) => [i, S[i] + " (" + n + ")"]), "any status"));
    box.appendChild(h("label", {}, "period from", h("input", {id: "f-from", class: "narrow",
      placeholder: "YYYY[-MM-DD]"})));
    box.appendChild(h("label", {}, "period to", h("input", {id: "f-to", class: "narrow",
      placeholder: "YYYY[-MM-DD]"})));
    box.appendChild(selectOf("f-conflict", "conflict",
      [["1", "conflicts only"], ["0", "no conflict"]], "either"));
    box.appendChild(h("label", {}, "min confidence", h("input", {id: "f-conf", class: "narrow",
      type: "number", min: 0, max: 1, step: 0.05, placeholder: "0"})));
    box.appendChild(h("label", {}, "search evidence", h("input", {id: "f-text", size: 22,
      placeholder: "words in the sentence"})));
    box.appendChild(h("button", {id: "f-clear", onclick: clearFilters}, "clear"));
    for (const k of ["entity", "metric", "status", "from", "to", "conflict", "conf", "text"]) {
      F[k] = $("f-" + k);
      F[k].addEventListener(F[k].tagName === "SELECT" ? "change" : "input", () => {
        state.page = 0; applyFilters();
      });
    }
  }
  function clearFilters() {
    for (const el of Object.values(F)) el.value = "";
    state.page = 0; state.picked = -1; applyFilters();
  }
  function dateBound(text, end) {
    text = text.trim();
    if (/^\d{4}$/.test(text)) return text + (end ? "-12-31" : "-01-01");
    if (/^\d{4}-\d{2}$/.test(text)) return text + (end ? "-31" : "-01");
    if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return text;
    return null;
  }
  function filteredRows() {
    const ent = F.entity.value.trim().toLowerCase();
    const entExact = entityIds.has(ent) ? entityIds.get(ent) : -1;
    const metric = F.metric.value === "" ? -1 : Number(F.metric.value);
    const status = F.status.value === "" ? -1 : Number(F.status.value);
    const from = dateBound(F.from.value, false), to = dateBound(F.to.value, true);
    const conflict = F.conflict.value;
    const conf = parseFloat(F.conf.value);
    const words = F.text.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    if (words.length && evidenceLower === null) {
      evidenceLower = new Map();
    }
    const out = [];
    for (let r = 0; r < N; r++) {
      if (ent && (entExact >= 0 ? R.entity[r] !== entExact :
                  !S[R.entity[r]].toLowerCase().includes(ent))) continue;
      if (metric >= 0 && R.metric[r] !== metric) continue;
      if (status >= 0 && R.status[r] !== status) continue;
      if (conflict !== "" && String(R.conflict[r]) !== conflict) continue;
      if (!isNaN(conf) && !(R.confidence[r] >= conf)) continue;
      if (from && !(R.end[r] && R.end[r] >= from)) continue;
      if (to && !(R.start[r] && R.start[r] <= to)) continue;
      if (words.length) {
        const e = R.evidence[r];
        if (e < 0) continue;
        let low = evidenceLower.get(e);
        if (low === undefined) { low = S[e].toLowerCase(); evidenceLower.set(e, low); }
        if (!words.every((w) => low.includes(w))) continue;
      }
      out.push(r);
    }
    return out;
  }
  const COLUMNS = [
    ["entity", (r) => S[R.entity[r]]], ["metric", (r) => S[R.metric[r]]],
    ["item", (r) => str(R.item[r])], ["value", (r) => R.value[r]],
    ["period", (r) => (R.start[r] || "~") + (R.end[r] || "~") + str(R.period[r])],
    ["status", (r) => S[R.status[r]]], ["sources", (r) => R.sources[r]],
    ["confidence", (r) => R.confidence[r]], ["evidence", null], ["mentions", null],
  ];
  const COLLATE = new Intl.Collator("en").compare;
  function sortRows(rows) {
    if (state.sort === null) return rows;
    const key = COLUMNS[state.sort][1], sign = state.desc ? -1 : 1;
    const keys = new Map(rows.map((r) => [r, key(r)]));
    return rows.sort((a, b) => {
      const x = keys.get(a), y = keys.get(b);
      if (x === y) return a - b;
      if (typeof x === "number" && typeof y === "number") return sign * (x - y);
      return sign * COLLATE(String(x), String(y));
    });
  }
  function applyFilters() {
    state.rows = sortRows(filteredRows());
    renderTable();
    const ent = F.entity.value.trim().toLowerCase();
    $("chart-these").disabled = !(entityIds.has(ent) && F.metric.value !== "");
  }
  function valueCell(r) {
    const unit = str(R.unit[r]);
    const td = h("td", {class: "num", title: exact(R.value[r], unit), "data-value": R.value[r]},
      readable(R.value[r], unit));
    if (R.conflict[r]) td.appendChild(h("span", {class: "badge conflict",
      title: "the sources disagree on the value"}, "conflict"));
    return td;
  }
  function mentionsCell(r) {
    const td = h("td", {});
    const ms = R.mentions[r];
    ms.slice(0, 4).forEach((m, i) => {
      if (i) td.appendChild(h("br"));
      const doc = DOCS[m[0]];
      const label = readable(m[3], str(R.unit[r])) + " @ " + doc[0];
      const title = (doc[4] ? "published " + doc[4] : "publication date unknown") +
        (m[4] ? " · superseded" : "");
      td.appendChild(doc[5] === null ? h("span", {title: title + " (text not in this run)"}, label)
        : h("a", {href: docHref(m[0], m[1]), class: "mention", title: title}, label));
    });
    if (ms.length > 4) td.appendChild(h("div", {class: "note"}, "+" + (ms.length - 4) + " more"));
    return td;
  }
  function renderTable() {
    const rows = state.rows, pages = Math.max(1, Math.ceil(rows.length / PAGE));
    state.page = Math.min(state.page, pages - 1);
    $("row-count").textContent = rows.length + " of " + N + " rows";
    const head = h("tr", {});
    COLUMNS.forEach(([name, key], i) => {
      const th = h("th", {"data-col": name}, name);
      if (key) {
        if (state.sort === i) th.classList.add(state.desc ? "sorted-desc" : "sorted-asc");
        th.addEventListener("click", () => {
          if (state.sort === i) state.desc = !state.desc; else { state.sort = i; state.desc = false; }
          applyFilters();
        });
      }
      head.appendChild(th);
    });
    const body = h("tbody", {});
    for (const r of rows.slice(state.page * PAGE, (state.page + 1) * PAGE)) {
      const tr = h("tr", {"data-row": r, "data-fact-id": R.id[r],
        class: (R.conflict[r] ? "conflict" : "") + (r === state.picked ? " picked" : "")},
        h("td", {}, S[R.entity[r]]), h("td", {}, S[R.metric[r]]), h("td", {}, str(R.item[r])),
        valueCell(r), h("td", {class: "period", title: R.start[r] + " – " + R.end[r]}, periodLabel(r)),
        h("td", {}, S[R.status[r]]), h("td", {class: "num"}, String(R.sources[r])),
        h("td", {class: "num"}, R.confidence[r].toFixed(2)),
        h("td", {class: "ev", title: str(R.evidence[r])}, h("div", {}, str(R.evidence[r]))), mentionsCell(r));
      body.appendChild(tr);
    }
    const table = $("fact-table");
    table.replaceChildren(h("thead", {}, head), body);
    pager($("table-pager"), state.page, pages, (p) => { state.page = p; renderTable(); });
  }
  function pager(box, page, pages, go) {
    box.replaceChildren(
      h("button", {onclick: () => go(page - 1), disabled: page <= 0}, "‹ previous"),
      h("span", {}, "page " + (page + 1) + " of " + pages),
      h("button", {onclick: () => go(page + 1), disabled: page >= pages - 1}, "next ›"));
  }
  function csvField(v) {
    const t = v === null || v === undefined ? "" : String(v);
    return /[",\n\r]/.test(t) ? '"' + t.replace(/"/g, '""') + '"' : t;
  }
  function csvOf(rows) {
    const head = ["fact_id", "entity", "metric", "item", "value", "unit", "period", "period_start",
      "period_end", "status", "n_sources", "conflict", "confidence", "doc_ids", "evidence"];
    const lines = [head.join(",")];
    for (const r of rows) {
      const docs = [...new Set(R.mentions[r].map((m) => DOCS[m[0]][0]))].join(" ");
      lines.push([R.id[r], S[R.entity[r]], S[R.metric[r]], str(R.item[r]), R.value[r],
        str(R.unit[r]), str(R.period[r]), R.start[r], R.end[r], S[R.status[r]], R.sources[r],
        R.conflict[r] ? "true" : "false", R.confidence[r], docs, str(R.evidence[r])]
        .map(csvField).join(","));
    }
    return lines.join("\n") + "\n";
  }
  function downloadCsv() {
    const blob = new Blob([csvOf(state.rows)], {type: "text/csv"});
    const a = h("a", {href: URL.createObjectURL(blob), download: "newsfacts-filtered.csv"});
    document.body.appendChild(a); a.click(); a.remove();
  }

  // ---- charts ------------------------------------------------------------------------------
  const COLORS = ["#1a73e8", "#e8710a", "#188038", "#a142f4", "#d01884", "#12b5cb", "#7f6000"];
  function chartFor(entityIndex, metricIndex) {
    $("c-entity").value = S[entityIndex];
    $("c-metric").value = String(metricIndex);
    drawChart();
    location.hash = "charts";
  }
  function chartRows() {
    const ent = $("c-entity").value.trim().toLowerCase();
    const e = entityIds.has(ent) ? entityIds.get(ent) : -1;
    const m = $("c-metric").value === "" ? -1 : Number($("c-metric").value);
    const rows = [];
    if (e < 0 || m < 0) return null;
    for (let r = 0; r < N; r++) if (R.entity[r] === e && R.metric[r] === m) rows.push(r);
    return rows;
  }
  function drawChart() {
    const box = $("chart");
    const rows = chartRows();
    if (rows === null) {
      box.replaceChildren(h("p", {class: "note"}, "Choose an entity and a metric."));
      return;
    }
    const byUnit = new Map();
    const undated = [];
    for (const r of rows) {
      if (!R.start[r] || !R.end[r]) { undated.push(r); continue; }
      const u = str(R.unit[r]);
      if (!byUnit.has(u)) byUnit.set(u, []);
      byUnit.get(u).push(r);
    }
    const parts = [h("p", {class: "legend"},
      "● actual (solid line) · ◇ forecast (dashed) · □ target (dotted), drawn beside the actual of their period · red ring: conflict, × the other sources' values. " +
      "Click a point for its article.")];
    if (!byUnit.size) parts.push(h("p", {class: "note"}, "No dated rows to draw."));
    for (const [unit, urows] of byUnit) parts.push(lineChart(unit, urows));
    if (undated.length) {
      const list = h("ul", {});
      for (const r of undated) list.appendChild(h("li", {}, rowLabel(r) + " ", pointLink(r, "article")));
      parts.push(h("p", {}, undated.length + " row(s) without a period, not drawn:"), list);
    }
    box.replaceChildren(...parts);
  }
  function pointLink(r, text) {
    const m = R.mentions[r][0];
    return m && DOCS[m[0]][5] !== null ? h("a", {href: docHref(m[0], m[1])}, text) : h("span", {});
  }
  function niceTicks(lo, hi) {
    // round steps (1, 2, 2.5 or 5 times a power of ten) covering [lo, hi]
    if (hi - lo <= 0) hi = lo + (Math.abs(lo) || 1);
    const raw = (hi - lo) / 4, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((st) => st >= raw);
    const ticks = [];
    for (let v = Math.floor(lo / step) * step; v < hi + step * 0.999; v += step) {
      ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
    }
    return ticks;
  }
  function lineChart(unit, rows) {
    const slots = [...new Set(rows.map((r) => R.start[r] + "|" + R.end[r]))].sort();
    const slotOf = new Map(slots.map((k, i) => [k, i]));
    const labelOf = new Map();
    for (const r of rows) {
      const k = R.start[r] + "|" + R.end[r];
      if (!labelOf.has(k)) labelOf.set(k, periodLabel(r));
    }
    const values = rows.map((r) => R.value[r]).filter(Number.isFinite);
    // the values the sources of a conflicting row gave, drawn as small crosses beside it
    const others = (r) => R.conflict[r] ? [...new Set(R.mentions[r].map((m) => m[3]))]
      .filter((v) => Number.isFinite(v) && v !== R.value[r]) : [];
    for (const r of rows) values.push(...others(r));
    const ticks = niceTicks(Math.min(0, ...values), Math.max(0, ...values));
    const lo = ticks[0], hi = ticks[ticks.length - 1];
    const W = Math.max(480, 90 + slots.length * 70), H = 300, L = 90, T = 20, B = 60, RM = 20;
    const x = (i) => L + (slots.length === 1 ? (W - L - RM) / 2 : i * (W - L - RM) / (slots.length - 1));
    const y = (v) => T + (hi - v) / (hi - lo) * (H - T - B);
    const svg = s("svg", {width: W, height: H, viewBox: "0 0 " + W + " " + H, class: "chart",
      "data-unit": unit, role: "img"});
    svg.appendChild(s("title", {}, "values in " + (unit || "no unit") + " by period"));
    for (const v of ticks) {
      const yy = y(v);
      svg.appendChild(s("line", {x1: L, x2: W - RM, y1: yy, y2: yy, class: "grid"}));
      svg.appendChild(s("text", {x: L - 6, y: yy + 4, "text-anchor": "end"}, readable(v, unit)));
    }
    svg.appendChild(s("line", {x1: L, x2: W - RM, y1: y(0), y2: y(0), class: "axis"}));
    slots.forEach((k, i) => {
      svg.appendChild(s("text", {x: x(i), y: H - B + 16, "text-anchor": "middle"}, labelOf.get(k)));
      svg.appendChild(s("text", {x: x(i), y: H - B + 30, "text-anchor": "middle",
        style: "font-size:9px;fill:#888"}, k.split("|")[0].slice(0, 7)));
    });
    // one series per item and status group; actuals solid, forecasts and targets dashed
    const items = [...new Set(rows.map((r) => str(R.item[r])))].sort();
    const series = new Map();
    for (const r of rows) {
      const key = str(R.item[r]) + "|" + S[R.status[r]];
      if (!series.has(key)) series.set(key, []);
      series.get(key).push(r);
    }
    for (const [key, srows] of series) {
      const color = COLORS[items.indexOf(key.split("|")[0]) % COLORS.length];
      const planned = !key.endsWith("|actual");
      const ordered = srows.slice().sort((a, b) =>
        slotOf.get(R.start[a] + "|" + R.end[a]) - slotOf.get(R.start[b] + "|" + R.end[b]));
      if (ordered.length > 1) {
        const d = ordered.map((r, i) => (i ? "L" : "M") +
          (x(slotOf.get(R.start[r] + "|" + R.end[r])) + (planned ? 8 : 0)).toFixed(1) + " " +
          y(R.value[r]).toFixed(1)).join(" ");
        svg.appendChild(s("path", {d: d, stroke: color, class: planned ? "line-planned" +
          (key.endsWith("|target") ? " target" : "") : "line-actual"}));
      }
      for (const r of ordered) {
        const cx = x(slotOf.get(R.start[r] + "|" + R.end[r])) + (planned ? 8 : 0), cy = y(R.value[r]);
        const status = S[R.status[r]];
        const g = s("g", {class: "point", "data-row": r, "data-fact-id": R.id[r],
          "data-value": R.value[r], "data-status": status, "data-period-start": R.start[r],
          "data-period-end": R.end[r], "data-conflict": R.conflict[r]});
        g.appendChild(s("title", {}, rowLabel(r) + "\nexact: " + exact(R.value[r], unit) +
          "\n" + R.sources[r] + " source(s)"));
        if (status === "actual") g.appendChild(s("circle", {cx: cx, cy: cy, r: 5, fill: color}));
        else if (status === "forecast") g.appendChild(s("path", {d: "M" + cx + " " + (cy - 7) +
          " l7 7 l-7 7 l-7 -7 z", fill: "#fff", stroke: color, "stroke-width": 2}));
        else g.appendChild(s("rect", {x: cx - 5, y: cy - 5, width: 10, height: 10, fill: "#fff",
          stroke: color, "stroke-width": 2}));
        if (R.conflict[r]) g.appendChild(s("circle", {cx: cx, cy: cy, r: 10, class: "conflict-ring"}));
        for (const v of others(r)) {
          const oy = y(v);
          const cross = s("path", {d: "M" + (cx - 4) + " " + (oy - 4) + " l8 8 m0 -8 l-8 8",
            class: "mention-value"});
          cross.appendChild(s("title", {}, "another source: " + readable(v, unit)));
          svg.appendChild(cross);
          svg.appendChild(s("line", {x1: cx, x2: cx, y1: cy, y2: oy, class: "conflict-span"}));
        }
        g.addEventListener("click", () => {
          const m = R.mentions[r][0];
          if (m && DOCS[m[0]][5] !== null) location.hash = docHref(m[0], m[1]);
        });
        svg.appendChild(g);
      }
    }
    const legend = items.length > 1 ? h("p", {class: "legend"}, "items: " +
      items.map((it, i) => (it || "(none)") + " = " + ["blue", "orange", "green", "purple", "pink",
        "cyan", "olive"][i % COLORS.length]).join(", ")) : null;
    return h("div", {class: "chart-box"}, h("h3", {}, $("c-entity").value + " · " +
      S[Number($("c-metric").value)] + (unit ? " · " + unit : "")), legend, svg);
  }
  function barChart(title, entries, onPick) {
    const top = entries.slice(0, 20), W = 420, row = 18, L = 170;
    const max = Math.max(1, ...top.map((e) => e[1]));
    const svg = s("svg", {width: W, height: top.length * row + 10, class: "bars"});
    top.forEach(([i, n], k) => {
      const yy = 5 + k * row;
      const name = S[i].length > 26 ? S[i].slice(0, 25) + "…" : S[i];
      svg.appendChild(s("text", {x: L - 6, y: yy + 12, "text-anchor": "end"}, name));
      const bar = s("rect", {x: L, y: yy + 2, height: row - 5, width: Math.max(1, (W - L - 40) * n / max),
        class: "bar"});
      bar.appendChild(s("title", {}, S[i] + ": " + n + " rows (click to filter the table)"));
      bar.addEventListener("click", () => onPick(i));
      svg.appendChild(bar);
      svg.appendChild(s("text", {x: L + 4 + (W - L - 40) * n / max, y: yy + 12}, String(n)));
    });
    return h("div", {}, h("h3", {}, title + (entries.length > top.length ?
      " (top " + top.length + " of " + entries.length + ")" : "")), svg);
  }
  function buildCharts() {
    const metrics = $("c-metric");
    metrics.appendChild(h("option", {value: ""}, "choose a metric"));
    for (const [i, n] of counted(R.metric)) metrics.appendChild(h("option", {value: i}, S[i] + " (" + n + ")"));
    $("c-entity").addEventListener("input", drawChart);
    metrics.addEventListener("change", drawChart);
    $("overviews").replaceChildren(
      barChart("Rows per metric", counted(R.metric), (i) => {
        clearFilters(); F.metric.value = String(i); applyFilters(); location.hash = "table";
      }),
      barChart("Rows per entity", counted(R.entity), (i) => {
        clearFilters(); F.entity.value = S[i]; applyFilters(); location.hash = "table";
      }));
    drawChart();
  }

  // ---- articles ----------------------------------------------------------------------------
  const docState = {page: 0, current: -1, matches: null};
  function docFacts(d) { return D.marks[d] || []; }
  function renderDocList() {
    const q = $("d-search").value.trim().toLowerCase();
    const ids = [];
    for (let d = 0; d < DOCS.length; d++) {
      if (DOCS[d][5] === null) continue;
      if (q && !(DOCS[d][0].toLowerCase().includes(q) || (DOCS[d][1] || "").toLowerCase().includes(q))) continue;
      if ($("d-with").checked && !docFacts(d).length) continue;
      ids.push(d);
    }
    const pages = Math.max(1, Math.ceil(ids.length / DOC_PAGE));
    docState.page = Math.min(docState.page, pages - 1);
    const list = h("ol", {start: docState.page * DOC_PAGE + 1});
    for (const d of ids.slice(docState.page * DOC_PAGE, (docState.page + 1) * DOC_PAGE)) {
      const li = h("li", {class: d === docState.current ? "current" : null},
        h("a", {href: docHref(d)}, DOCS[d][0]), " ",
        h("span", {class: "meta"}, (DOCS[d][1] ? DOCS[d][1].slice(0, 60) + " · " : "") +
          docFacts(d).length + " facts"));
      list.appendChild(li);
    }
    $("doc-count").textContent = ids.length + " documents";
    $("doc-list").replaceChildren(list);
    pager($("doc-pager"), docState.page, pages, (p) => { docState.page = p; renderDocList(); });
  }
  function markedText(pre, text, facts) {
    // One <mark> per distinct span, nested; a span crossing another is split into
    // continuations, so the marks always nest.
    const spans = new Map();
    for (const f of facts) {
      if (!(f[0] >= 0 && f[0] < f[1] && f[1] <= text.length)) continue;
      const key = f[0] + ":" + f[1];
      if (!spans.has(key)) spans.set(key, {s: f[0], e: f[1], facts: []});
      spans.get(key).facts.push(f);
    }
    const starts = new Map();
    for (const sp of spans.values()) {
      if (!starts.has(sp.s)) starts.set(sp.s, []);
      starts.get(sp.s).push(sp);
    }
    const cuts = new Set([0, text.length]);
    for (const sp of spans.values()) { cuts.add(sp.s); cuts.add(sp.e); }
    const bounds = [...cuts].sort((a, b) => a - b);
    const stack = [];
    const top = () => (stack.length ? stack[stack.length - 1].el : pre);
    const open = (sp, first) => {
      const conflict = sp.facts.some((f) => R.conflict[f[2]]);
      const el = h("mark", {title: sp.facts.map((f) => rowLabel(f[2]) +
          (f[3] !== R.value[f[2]] ? " (this mention: " + readable(f[3], str(R.unit[f[2]])) + ")" : "")).join("\n"),
        class: [conflict ? "conflict" : "", first ? "" : "cont"].join(" ").trim() || null,
        "data-start": first ? sp.s : null, "data-end": first ? sp.e : null,
        "data-rows": sp.facts.map((f) => f[2]).join(" ")});
      el.addEventListener("click", (ev) => { ev.stopPropagation(); pickRow(sp.facts[0][2]); });
      top().appendChild(el);
      stack.push({sp: sp, el: el});
    };
    bounds.forEach((pos, i) => {
      let deepest = stack.findIndex((x) => x.sp.e === pos);
      if (deepest >= 0) {
        const reopen = stack.slice(deepest).filter((x) => x.sp.e !== pos).map((x) => x.sp);
        stack.length = deepest;
        for (const sp of reopen) open(sp, false);
      }
      for (const sp of (starts.get(pos) || []).sort((a, b) => b.e - a.e)) open(sp, true);
      if (i + 1 < bounds.length) top().appendChild(document.createTextNode(text.slice(pos, bounds[i + 1])));
    });
  }
  function pickRow(r) {
    // show the table filtered to the row's entity and metric, the row picked
    clearFilters();
    F.entity.value = S[R.entity[r]]; F.metric.value = String(R.metric[r]);
    state.picked = r;
    applyFilters();
    const at = state.rows.indexOf(r);
    state.page = Math.floor(Math.max(0, at) / PAGE);
    renderTable();
    location.hash = "table";
  }
  function evalBeside(d, title, items) {
    if (!items || !items.length) return null;
    const list = h("ol", {});
    for (const it of items) {
      const what = [it.entity, Array.isArray(it.metric) ? it.metric.join("/") : it.metric,
        it.item ? "(" + it.item + ")" : "", readable(it.value, it.unit), it.period || "no period",
        it.status].filter(Boolean).join(" · ");
      const li = h("li", {}, what);
      if (it.evidence) li.appendChild(h("div", {class: "meta"}, "“" + it.evidence + "”"));
      if (Number.isInteger(it.char_start)) li.appendChild(h("a", {href: docHref(d, it.char_start)}, " show"));
      list.appendChild(li);
    }
    return h("div", {}, h("h3", {}, title + " (" + items.length + ")"), list);
  }
  function openDoc(d, at) {
    if (!(d >= 0 && d < DOCS.length)) return;
    const [id, title, source, url, published, text] = DOCS[d];
    docState.current = d;
    const box = $("article");
    const meta = [published ? "published " + published : "published unknown", title, source]
      .filter(Boolean).join(" · ");
    const head = h("div", {}, h("h3", {}, id), h("div", {class: "meta"}, meta,
      url && /^https?:\/\//.test(url) ? h("span", {}, " · ",
        h("a", {href: url, rel: "noopener noreferrer nofollow"}, url)) : null));
    if (text === null) {
      box.replaceChildren(head, h("p", {class: "note"}, "The text of this document is not in this run."));
      return;
    }
    const pre = h("pre", {class: "doc-text", id: "doc-text"});
    const facts = docFacts(d);
    markedText(pre, text, facts);
    const list = h("ol", {});
    for (const f of facts.slice().sort((a, b) => a[0] - b[0] || a[1] - b[1])) {
      const inside = f[0] >= 0 && f[0] < f[1] && f[1] <= text.length;
      const li = h("li", {}, inside ? h("a", {href: docHref(d, f[0])}, "“" + text.slice(f[0], f[1]) + "”")
        : h("span", {class: "note"}, "(span not in text)"), " " + rowLabel(f[2]) + " ");
      if (R.conflict[f[2]]) li.appendChild(h("span", {class: "badge conflict"}, "conflict"));
      if (f[4]) li.appendChild(h("span", {class: "badge superseded"}, "superseded"));
      li.appendChild(h("a", {href: "#table", class: "row-link", onclick: (ev) => {
        ev.preventDefault(); pickRow(f[2]);
      }}, " row"));
      list.appendChild(li);
    }
    const side = h("div", {class: "side"}, h("h3", {}, "Facts (" + facts.length + ")"),
      facts.length ? list : h("p", {class: "note"}, "No facts."));
    const ev = D.evaluation && D.evaluation.by_doc ? D.evaluation.by_doc[d] : null;
    if (ev) {
      const miss = evalBeside(d, "Missed gold facts", ev.missed);
      const fps = evalBeside(d, "False positives", ev.false_positives);
      if (miss) side.appendChild(miss);
      if (fps) side.appendChild(fps);
      if (!miss && !fps) side.appendChild(h("p", {class: "note"}, "Every gold fact found, no false positive."));
    }
    for (const it of ev ? ev.false_positives : []) {
      if (!Number.isInteger(it.char_start)) continue;
      const mark = pre.querySelector('mark[data-start="' + it.char_start + '"]');
      if (mark) {
        mark.classList.add("fp");
        mark.title += "\n(false positive against the gold)";
      }
    }
    box.replaceChildren(head, h("div", {class: "doc-body"}, pre, side));
    renderDocList();
    if (at !== null) {
      const mark = pre.querySelector('mark[data-start="' + at + '"]');
      if (mark) {
        mark.classList.add("focus");
        mark.scrollIntoView({block: "center"});
      }
    } else window.scrollTo(0, 0);
  }
  function buildArticles() {
    $("d-search").addEventListener("input", () => { docState.page = 0; renderDocList(); });
    $("d-with").addEventListener("change", () => { docState.page = 0; renderDocList(); });
    renderDocList();
  }

  // ---- quality -----------------------------------------------------------------------------
  function buildQuality() {
    const box = $("eval-items");
    if (!box || !D.evaluation) return;
    const parts = [];
    for (const [name, title] of [["missed", "Missed gold facts"], ["false_positives", "False positives"]]) {
      const items = D.evaluation[name] || [];
      const table = h("table", {}, h("tr", {}, ...["document", "entity", "metric", "value", "period",
        "status", "evidence"].map((c) => h("th", {}, c))));
      for (const it of items) {
        const doc = it.doc >= 0 ? h("a", {href: docHref(it.doc, Number.isInteger(it.char_start) ?
          it.char_start : undefined)}, String(it.doc_id)) : String(it.doc_id);
        table.appendChild(h("tr", {}, h("td", {}, doc), h("td", {}, String(it.entity || "")),
          h("td", {}, Array.isArray(it.metric) ? it.metric.join(" / ") : String(it.metric || "")),
          h("td", {class: "num", title: exact(it.value, it.unit)}, readable(it.value, it.unit)),
          h("td", {}, String(it.period || "")), h("td", {}, String(it.status || "")),
          h("td", {class: "ev"}, String(it.evidence || ""))));
      }
      parts.push(h("h3", {}, title + " (" + items.length + ")"),
        items.length ? table : h("p", {class: "note"}, "none"));
    }
    box.replaceChildren(...parts);
  }

  // ---- start -------------------------------------------------------------------------------
  buildFilters();
  $("chart-these").addEventListener("click", () => {
    chartFor(entityIds.get(F.entity.value.trim().toLowerCase()), Number(F.metric.value));
  });
  $("download-csv").addEventListener("click", downloadCsv);
  applyFilters();
  buildCharts();
  buildArticles();
  buildQuality();
  window.addEventListener("hashchange", route);
  document.addEventListener("click", (ev) => {
    // a link to the place already in the address bar fires no hashchange: route anyway
    const a = ev.target.closest && ev.target.closest('a[href^="#"]');
    if (a && a.getAttribute("href") === location.hash) route();
  });
  route();
  window.newsfacts = {filtered: () => state.rows.slice(), csv: () => csvOf(state.rows),
    chartFor: chartFor, readyMs: performance.now()};
  document.body.setAttribute("data-ready", "1");
})();
