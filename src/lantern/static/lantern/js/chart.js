/* The link chart: Cytoscape.js over the intelligence network, with tables of the same nodes
   and links for keyboard and screen-reader users. Data comes from the chart_data endpoint,
   already filtered by the access policy on the server. */
(function () {
  "use strict";
  var container = document.getElementById("chart");
  if (!container || typeof cytoscape === "undefined") { return; }
  var dataUrl = container.dataset.dataUrl;
  var entityUrl = container.dataset.entityUrl;
  var linkUrl = container.dataset.linkUrl;
  var saveUrl = container.dataset.saveUrl;
  var start = container.dataset.start;
  var csrfInput = document.querySelector("#save-chart input[name=csrfmiddlewaretoken]");
  var csrf = csrfInput ? csrfInput.value : "";
  var expanded = {};
  expanded[start] = true;

  function pkUrl(template, pk) { return template.replace("/0/", "/" + pk + "/"); }
  function roleOf(n) {
    if (n.role === "person_of_concern") { return "concern"; }
    if (n.role === "person_at_risk") { return n.risk === "serious" ? "serious" : "risk"; }
    return "other";
  }
  var cy = cytoscape({
    container: container,
    wheelSensitivity: 0.2,
    style: [
      { selector: "node", style: { "label": "data(label)", "font-size": 10, "text-wrap": "ellipsis", "text-max-width": 120, "background-color": "#b1b4b6", "width": 22, "height": 22 } },
      { selector: "node[kind = 'location']", style: { "shape": "round-rectangle" } },
      { selector: "node[kind = 'vehicle']", style: { "shape": "diamond" } },
      { selector: "node[kind = 'phone']", style: { "shape": "triangle" } },
      { selector: "node[kind = 'handle']", style: { "shape": "hexagon" } },
      { selector: "node[colour = 'concern']", style: { "background-color": "#d4351c" } },
      { selector: "node[colour = 'risk']", style: { "background-color": "#1d70b8" } },
      { selector: "node[colour = 'serious']", style: { "background-color": "#4c2c92" } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#ffdd00" } },
      { selector: "edge", style: { "width": 2, "line-color": "#6f777b", "label": "data(label)", "font-size": 8, "curve-style": "bezier", "text-rotation": "autorotate" } },
      { selector: "edge[handling = 'C']", style: { "line-style": "dashed", "line-color": "#d4351c" } },
      { selector: "edge:selected", style: { "width": 4, "line-color": "#ffdd00" } }
    ]
  });

  function add(data) {
    (data.entities || []).forEach(function (n) {
      if (cy.getElementById(n.id).length) { return; }
      cy.add({ group: "nodes", data: Object.assign({}, n, { colour: roleOf(n) }) });
    });
    (data.links || []).forEach(function (e) {
      if (cy.getElementById(e.id).length) { return; }
      if (!cy.getElementById(e.source).length || !cy.getElementById(e.target).length) { return; }
      cy.add({ group: "edges", data: e });
    });
  }
  function layout() { cy.layout({ name: "cose", animate: false, randomize: false, nodeRepulsion: 8000 }).run(); }

  function filters() {
    var form = document.getElementById("chart-filters");
    var params = new URLSearchParams();
    form.querySelectorAll("input[name=kind]:checked").forEach(function (box) { params.append("kind", box.value); });
    ["link_type", "since", "until"].forEach(function (name) {
      var value = form.elements[name].value;
      if (value) { params.append(name, value); }
    });
    return params;
  }
  function fetchNode(nodeId) {
    var params = filters();
    params.set("depth", "1");
    return fetch(pkUrl(dataUrl, nodeId.slice(1)) + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error("The chart could not load (" + r.status + ")"); } return r.json(); });
  }
  function expand(nodeId) {
    return fetchNode(nodeId).then(function (data) { expanded[nodeId] = true; add(data); layout(); render(); });
  }
  function collapse(nodeId) {
    var node = cy.getElementById(nodeId);
    delete expanded[nodeId];
    node.neighborhood("node").forEach(function (other) {
      if (other.id() === start || expanded[other.id()]) { return; }
      var keep = other.neighborhood("node").some(function (n) { return n.id() !== nodeId && expanded[n.id()]; });
      if (!keep) { cy.remove(other); }
    });
    render();
  }
  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }
  function knownAs(d) {
    return d.role === "person_of_concern" ? "Person of concern" : d.role === "person_at_risk" ? "Person at risk" + (d.risk ? " (" + d.risk + ")" : "") : d.role === "place_public" ? "Public place" : "";
  }
  function showNode(d) {
    var box = document.getElementById("selection");
    box.innerHTML = "";
    box.appendChild(el("h2", d.label, { "class": "govuk-heading-s" }));
    box.appendChild(el("p", d.kind + (d.subtype_label ? ", " + d.subtype_label : "") + (knownAs(d) ? " – " + knownAs(d) : ""), { "class": "govuk-body-s" }));
    var a = el("a", "Open the record", { "class": "govuk-link", href: pkUrl(entityUrl, d.pk) });
    box.appendChild(a);
  }
  function showLink(d) {
    var box = document.getElementById("selection");
    box.innerHTML = "";
    box.appendChild(el("h2", d.label, { "class": "govuk-heading-s" }));
    var list = el("dl", null, { "class": "govuk-body-s" });
    [["When", (d.date || "Not known") + (d.date_to ? " to " + d.date_to : "")], ["Agency", d.agency], ["Grading", d.grading]].forEach(function (pair) {
      list.appendChild(el("dt", pair[0])); list.appendChild(el("dd", pair[1]));
    });
    box.appendChild(list);
    box.appendChild(el("a", "The evidence", { "class": "govuk-link", href: pkUrl(linkUrl, d.pk) }));
  }
  function button(text, onClick) {
    var b = el("button", text, { type: "button", "class": "govuk-button govuk-button--secondary govuk-!-margin-bottom-0 govuk-!-margin-right-1" });
    b.addEventListener("click", onClick);
    return b;
  }
  function render() {
    var nodes = document.querySelector("#node-table tbody");
    var links = document.querySelector("#link-table tbody");
    nodes.innerHTML = ""; links.innerHTML = "";
    cy.nodes().forEach(function (n) {
      var d = n.data();
      var row = el("tr", null, { "class": "govuk-table__row" });
      var name = el("td", null, { "class": "govuk-table__cell" });
      name.appendChild(el("a", d.label, { "class": "govuk-link", href: pkUrl(entityUrl, d.pk) }));
      row.appendChild(name);
      row.appendChild(el("td", d.kind, { "class": "govuk-table__cell" }));
      row.appendChild(el("td", knownAs(d), { "class": "govuk-table__cell" }));
      var actions = el("td", null, { "class": "govuk-table__cell" });
      actions.appendChild(button(expanded[d.id] ? "Collapse" : "Expand", function () {
        if (expanded[d.id]) { collapse(d.id); } else { expand(d.id); }
      }));
      actions.appendChild(button("Select", function () { cy.$(":selected").unselect(); n.select(); showNode(d); }));
      row.appendChild(actions);
      nodes.appendChild(row);
    });
    cy.edges().forEach(function (e) {
      var d = e.data();
      var row = el("tr", null, { "class": "govuk-table__row" });
      row.appendChild(el("td", cy.getElementById(d.source).data("label"), { "class": "govuk-table__cell" }));
      var type = el("td", null, { "class": "govuk-table__cell" });
      type.appendChild(el("a", d.label, { "class": "govuk-link", href: pkUrl(linkUrl, d.pk) }));
      row.appendChild(type);
      row.appendChild(el("td", cy.getElementById(d.target).data("label"), { "class": "govuk-table__cell" }));
      row.appendChild(el("td", d.date || "Not known", { "class": "govuk-table__cell" }));
      row.appendChild(el("td", d.agency, { "class": "govuk-table__cell" }));
      row.appendChild(el("td", d.grading, { "class": "govuk-table__cell" }));
      links.appendChild(row);
    });
  }
  cy.on("tap", "node", function (evt) { showNode(evt.target.data()); });
  cy.on("dbltap", "node", function (evt) {
    var id = evt.target.id();
    if (expanded[id]) { collapse(id); } else { expand(id); }
  });
  cy.on("tap", "edge", function (evt) { showLink(evt.target.data()); });
  // Keyboard on the chart itself: arrows move the selection, Enter expands or collapses.
  container.addEventListener("keydown", function (evt) {
    var all = cy.nodes();
    if (!all.length) { return; }
    var current = cy.$("node:selected");
    var index = current.length ? all.indexOf(current[0]) : -1;
    if (evt.key === "ArrowRight" || evt.key === "ArrowDown") { index = (index + 1) % all.length; }
    else if (evt.key === "ArrowLeft" || evt.key === "ArrowUp") { index = (index - 1 + all.length) % all.length; }
    else if (evt.key === "Enter" && current.length) {
      var id = current.id();
      if (expanded[id]) { collapse(id); } else { expand(id); }
      evt.preventDefault(); return;
    } else { return; }
    evt.preventDefault();
    cy.$(":selected").unselect();
    all[index].select();
    showNode(all[index].data());
  });
  document.getElementById("chart-filters").addEventListener("submit", function (evt) {
    evt.preventDefault();
    var keep = Object.keys(expanded);
    cy.elements().remove();
    expanded = {};
    var shown = [];
    document.querySelectorAll("#chart-filters input[name=kind]:checked").forEach(function (box) { shown.push(box.value); });
    Promise.all(keep.map(function (id) { return fetchNode(id).then(function (data) { expanded[id] = true; add(data); }); }))
      .then(function () {
        // An expanded node of a kind now filtered out goes too (the start always stays).
        cy.nodes().forEach(function (n) {
          if (n.id() !== start && shown.indexOf(n.data("kind")) < 0) { delete expanded[n.id()]; cy.remove(n); }
        });
        layout(); render();
      });
    var params = filters().toString();
    ["export-graphml", "export-i2"].forEach(function (id) {
      var a = document.getElementById(id);
      a.href = a.href.split("?")[0] + (params ? "?" + params : "");
    });
  });
  document.getElementById("export-png").addEventListener("click", function () {
    var a = document.createElement("a");
    a.href = cy.png({ full: true, bg: "#ffffff", scale: 2 });
    a.download = "link-chart.png";
    a.id = "png-download";
    document.body.appendChild(a);
    a.click();
    a.remove();
  });
  document.getElementById("save-chart").addEventListener("submit", function (evt) {
    evt.preventDefault();
    var status = document.getElementById("save-status");
    var body = new URLSearchParams();
    body.set("name", document.getElementById("chart-name").value);
    body.set("state", JSON.stringify({ expanded: Object.keys(expanded), filters: filters().toString(),
      positions: cy.nodes().map(function (n) { return { id: n.id(), x: n.position("x"), y: n.position("y") }; }) }));
    fetch(saveUrl, { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded" }, body: body.toString() })
      .then(function (r) { return r.json().then(function (j) { return [r.ok, j]; }); })
      .then(function (res) { status.textContent = res[0] ? "Saved as " + res[1].name : res[1].title; });
  });

  var initial = JSON.parse(document.getElementById("chart-initial").textContent);
  var saved = JSON.parse(document.getElementById("chart-saved").textContent);
  add(initial);
  if (saved && saved.expanded) {
    Promise.all(saved.expanded.filter(function (id) { return id !== start; }).map(function (id) {
      return fetchNode(id).then(function (data) { expanded[id] = true; add(data); });
    })).then(function () {
      (saved.positions || []).forEach(function (p) { var n = cy.getElementById(p.id); if (n.length) { n.position({ x: p.x, y: p.y }); } });
      cy.fit(); render();
    });
  } else { layout(); }
  render();
  window.lanternChart = cy;
}());
