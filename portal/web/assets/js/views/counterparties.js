// 取引先管理: search the registry of data-broker organisations by id, name
// or kana, and open one or register a new one (operators).

import { apiGet } from '../api.js';
import { field } from '../components/form.js';
import { emptyState, errorNotice, loadingNotice } from '../components/notice.js';
import { pager } from '../components/pager.js';
import { dataTable } from '../components/table.js';
import { el, on, replace } from '../dom.js';
import { dateTimeJST } from '../format.js';
import { navigate } from '../navigation.js';
import { recordPath, withQuery } from '../paths.js';
import { activeBadge } from './counterparty-status.js';

const pageSize = 50;

const columns = [
  { label: '取引先ID', className: 'cell-nowrap' },
  { label: '名称' },
  { label: '登録番号', className: 'cell-nowrap' },
  { label: '請求先メールアドレス' },
  { label: '状態', className: 'cell-nowrap' },
  { label: '更新日時', className: 'cell-nowrap' },
];

// renderCounterparties draws the search form and one page of matches.
export async function renderCounterparties({ root, query }) {
  const q = (query.get('q') || '').slice(0, 200);
  const all = query.get('show') === 'all';
  const page = Math.max(1, Number.parseInt(query.get('page') || '1', 10) || 1);
  const results = el('section', { class: 'results', 'aria-label': '検索結果' });
  root.append(searchForm(q, all),
    el('div', { class: 'toolbar' }, el('a', { href: '/counterparties/new',
      class: 'button button-primary', id: 'register-link' }, '取引先を登録')),
    results);
  results.append(loadingNotice());

  const filter = { q, active: all ? '' : 'true', page, page_size: pageSize };
  try {
    const data = await apiGet('/counterparties', filter);
    replace(results, list(data, q, all));
  } catch (err) {
    replace(results, err.handled ? null : errorNotice(err));
  }
}

function searchForm(q, all) {
  const text = el('input', { type: 'search', name: 'q', value: q, autocomplete: 'off' });
  const show = el('select', { name: 'show' },
    el('option', { value: '', selected: !all }, '有効な取引先のみ'),
    el('option', { value: 'all', selected: all }, '無効な取引先も含める'));
  const submit = el('button', { type: 'submit', class: 'button button-primary' }, '検索');
  const form = el('form', { class: 'form form-inline', role: 'search', novalidate: true },
    field('キーワード', text, { hint: '取引先ID・名称・カナの一部' }).wrapper,
    field('表示する取引先', show).wrapper,
    el('div', { class: 'form-actions' }, submit));
  on(form, 'submit', (event) => {
    event.preventDefault();
    navigate(listPath(text.value.trim(), show.value === 'all', 1));
  });
  return form;
}

function list(data, q, all) {
  if (data.items.length === 0) {
    return data.page > 1
      ? emptyState('このページに表示する取引先はありません。',
        el('a', { href: listPath(q, all, 1) }, '最初のページへ'))
      : emptyState('条件に合う取引先はありません。',
        'キーワードを変えるか、「無効な取引先も含める」を選んで検索してください。');
  }
  const rows = data.items.map((c) => [
    el('a', { href: recordPath('/counterparties', c.id) }, c.id),
    [c.name, c.name_kana ? el('span', { class: 'cell-note' }, c.name_kana) : null],
    c.registration_number || '—',
    c.billing_email || '—',
    activeBadge(c.active),
    dateTimeJST(c.updated_at),
  ]);
  return el('div', {},
    dataTable({ caption: '取引先（取引先IDの順）', columns, rows }),
    pager({
      page: data.page, pageSize: data.page_size, shown: data.items.length,
      hrefFor: (n) => listPath(q, all, n),
    }));
}

function listPath(q, all, page) {
  return withQuery('/counterparties', { q, show: all ? 'all' : '', page: page > 1 ? page : '' });
}
