// Links to the previous and next page of a list.

import { el } from '../dom.js';
import { count } from '../format.js';

// pager shows where the shown rows lie in the list and links to the pages
// around them. total is null when the API does not count the list; then
// a full page is taken to mean that another may follow.
export function pager({ page, pageSize, shown, total = null, hrefFor }) {
  const first = (page - 1) * pageSize + 1;
  const last = (page - 1) * pageSize + shown;
  let lastPage = shown === pageSize ? page + 1 : page;
  let status = `${count(first)}〜${count(last)}件目`;
  if (total !== null) {
    lastPage = Math.max(1, Math.ceil(total / pageSize));
    status = `全${count(total)}件中 ${status}（${page} / ${lastPage}ページ）`;
  }
  if (page === 1 && lastPage === 1) {
    return el('p', { class: 'pager-status' }, `全${count(total ?? shown)}件`);
  }
  return el('nav', { class: 'pager', 'aria-label': 'ページ送り' },
    pageLink(page > 1, hrefFor(page - 1), '前のページ'),
    el('span', { class: 'pager-status' }, status),
    pageLink(page < lastPage, hrefFor(page + 1), '次のページ'));
}

function pageLink(enabled, href, label) {
  if (!enabled) {
    return el('span', { class: 'pager-link pager-link-disabled', 'aria-disabled': 'true' }, label);
  }
  return el('a', { class: 'pager-link', href }, label);
}
