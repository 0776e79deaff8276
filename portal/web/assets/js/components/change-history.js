// 変更履歴: a record's changes, oldest first — when, what was done, by whom,
// and each changed field's value before and after.

import { actorName, auditEntry, changedFields } from '../audit.js';
import { el } from '../dom.js';
import { dateTimeJST } from '../format.js';
import { emptyState } from './notice.js';
import { dataTable } from './table.js';

const columns = [
  { label: '日時', className: 'cell-nowrap' },
  { label: '操作', className: 'cell-nowrap' },
  { label: '実行者' },
  { label: '変更内容（変更前 → 変更後）' },
];

// changeHistory shows the API's history records. fields say which values
// to compare (see changedFields); actions name each action in Japanese.
export function changeHistory(records, { fields, actions }) {
  const title = el('h2', { id: 'history-title' }, '変更履歴');
  const section = el('section', { class: 'change-history', 'aria-labelledby': 'history-title' },
    title);
  const entries = (records || []).map(auditEntry);
  if (entries.length === 0) {
    section.append(emptyState('変更履歴はまだありません。'));
    return section;
  }
  const rows = entries.map((e) => [
    dateTimeJST(e.at),
    actions[e.action] || e.action,
    actorName(e.actor),
    changeList(e, fields),
  ]);
  section.append(el('p', { class: 'table-note' },
    '古い順に表示しています。変更前の値は取り消し線付きで示します。'),
  dataTable({ columns, rows }));
  return section;
}

// changeList shows what changed. A new record has no before: its values
// are listed as they were registered.
function changeList(entry, fields) {
  const changes = changedFields(entry.before, entry.after, fields);
  if (changes.length === 0) {
    return el('span', { class: 'cell-note' }, '項目の変更なし');
  }
  return el('ul', { class: 'change-list' }, changes.map((c) => el('li', {},
    el('span', { class: 'change-field' }, `${c.label}：`),
    entry.before
      ? [value(c.before, 'change-before'), ' → ', value(c.after, 'change-after')]
      : value(c.after, 'change-after'))));
}

// value shows one side of a change; an empty value reads （なし）.
function value(text, className) {
  return text
    ? el('span', { class: className }, text)
    : el('span', { class: 'change-empty' }, '（なし）');
}
