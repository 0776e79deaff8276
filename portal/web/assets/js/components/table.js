// Tables of records.

import { el } from '../dom.js';

// dataTable builds a table. columns are {label, className}; each row is a
// list of cells, one per column, given as text or nodes.
export function dataTable({ caption, columns, rows }) {
  const head = el('thead', {},
    el('tr', {}, columns.map((c) => el('th', { scope: 'col', class: c.className }, c.label))));
  const body = el('tbody', {},
    rows.map((cells) => el('tr', {},
      cells.map((cell, i) => el('td', { class: columns[i].className }, cell)))));
  const table = el('table', { class: 'data-table' },
    caption ? el('caption', {}, caption) : null, head, body);
  return el('div', { class: 'table-wrap' }, table);
}

// details lists a record's fields as label and value pairs. Pairs whose
// value is empty are left out.
export function details(pairs) {
  const items = pairs
    .filter(([, value]) => value !== '' && value !== null && value !== undefined)
    .map(([label, value]) => el('div', { class: 'details-row' },
      el('dt', {}, label), el('dd', {}, value)));
  return el('dl', { class: 'details' }, items);
}
