// 請求管理 and 支払管理: search invoices or payments and list the matches,
// newest first, a page at a time. Operators search every broker and
// register new records; a broker sees its own records once issued or
// approved, and downloads their PDFs.

import { apiGet } from '../api.js';
import { fetchBrokers } from '../components/broker-picker.js';
import { emptyState, errorNotice, loadingNotice } from '../components/notice.js';
import { pager } from '../components/pager.js';
import { append, el, replace } from '../dom.js';
import { count } from '../format.js';
import { isOperator } from '../session.js';
import { csvButton } from './bill-csv.js';
import { readSearch, searchForm, searchPath } from './bill-search.js';
import { billTable } from './bill-table.js';

const pageSize = 50;

// billList returns the view of kind's list page.
export function billList(kind) {
  return async ({ root, query }) => {
    const operator = isOperator();
    const search = readSearch(kind, query, { operator });
    const page = Math.max(1, Number.parseInt(query.get('page') || '1', 10) || 1);
    const brokers = operator ? await fetchBrokers() : null;
    const results = el('section', { class: 'results', 'aria-label': '検索結果' });
    append(root, searchForm(kind, search, brokers), toolbar(kind, operator), results);
    results.append(loadingNotice());

    try {
      const data = await apiGet(kind.api, { ...search, page, page_size: pageSize });
      replace(results, resultView(kind, data, search, operator));
    } catch (err) {
      replace(results, err.handled ? null : errorNotice(err));
    }
  };
}

function toolbar(kind, operator) {
  if (!operator) {
    return null;
  }
  return el('div', { class: 'toolbar' },
    el('a', { href: `${kind.list}/new`, class: 'button button-primary', id: 'register-link' },
      `${kind.noun}を登録`));
}

function resultView(kind, data, search, operator) {
  if (data.items.length === 0) {
    return empty(kind, data, search, operator);
  }
  const caption = `${kind.listTitle}の検索結果（登録の新しい順）`;
  const paged = data.page > 1 || data.total > data.items.length;
  return el('div', {},
    el('div', { class: 'toolbar' }, el('p', { class: 'result-count' },
      `${count(data.total)}件見つかりました。`), csvButton(kind, search)),
    billTable(kind, data.items, { caption, operator }),
    paged ? pager({
      page: data.page, pageSize: data.page_size, shown: data.items.length,
      total: data.total, hrefFor: (n) => searchPath(kind, search, n),
    }) : null);
}

// empty says why nothing is listed: a page past the end, a search that
// matches nothing, or no records at all yet.
function empty(kind, data, search, operator) {
  if (data.page > 1) {
    return emptyState('このページに表示するものはありません。',
      el('a', { href: searchPath(kind, search, 1) }, '最初のページへ'));
  }
  if (Object.values(search).some((v) => v)) {
    return emptyState(`条件に合う${kind.noun}はありません。`,
      '条件を変えるか「条件をクリア」を押して、もう一度検索してください。');
  }
  if (operator) {
    return emptyState(`${kind.noun}はまだ登録されていません。`,
      `「${kind.noun}を登録」から登録できます。`);
  }
  return emptyState(`${kind.noun}はまだありません。`,
    kind.kind === 'invoice' ? '請求書が発行されると、ここに表示されます。'
      : '支払が承認されると、ここに表示されます。');
}
