// 取引履歴: a broker's trades in a month, oldest first, with the month's
// balance. Operators choose the broker; a broker sees its own organisation.
// The month, broker and page live in the URL, so a search can be reloaded,
// bookmarked and returned to after login.

import { apiGet } from '../api.js';
import { brokerSelect, fetchBrokers } from '../components/broker-picker.js';
import { field } from '../components/form.js';
import { emptyState, errorNotice, loadingNotice } from '../components/notice.js';
import { el, on, replace } from '../dom.js';
import { addMonths, isMonth, monthJST } from '../format.js';
import { navigate } from '../navigation.js';
import { withQuery } from '../paths.js';
import { isOperator } from '../session.js';
import { historyResults } from './history-results.js';

// pageSize is how many rows a page shows; the CSV holds every row.
const pageSize = 100;

// renderHistory draws the search form and the month's history.
// A month in the address that is not YYYY-MM (2023-13, say) is said so
// beside the month picker, and nothing is searched: showing another month
// instead would pass unnoticed.
export async function renderHistory({ root, query }) {
  const operator = isOperator();
  const asked = query.get('month') || '';
  const badMonth = asked !== '' && !isMonth(asked);
  const month = isMonth(asked) ? asked : monthJST();
  const brokerId = operator ? query.get('broker_id') || '' : '';
  const page = pageNumber(query.get('page'));

  const brokers = operator ? await fetchBrokers() : [];
  const results = el('section', { class: 'results', 'aria-label': '検索結果' });
  const form = searchForm({ month, brokerId, brokers, operator });
  root.append(form.node, results);

  if (badMonth) {
    form.showMonthError(`アドレスの取引月「${asked}」は正しくありません。`
      + '取引月を選び直して「検索」を押してください。');
    results.append(emptyState('取引月を選んでください。',
      '正しい取引月を選んで「検索」を押すと、その月の取引履歴を表示します。'));
    return;
  }

  if (operator && brokers.length === 0) {
    results.append(emptyState('データブローカーが登録されていません。',
      'データブローカーが登録されると、ここで選べるようになります。'));
    return;
  }
  if (operator && !brokerId) {
    results.append(emptyState('データブローカーを選んでください。',
      '取引月とデータブローカーを選んで「検索」を押すと、その月の取引履歴を表示します。'));
    return;
  }
  await showResults(results, { month, brokerId, page });
}

async function showResults(results, { month, brokerId, page }) {
  results.append(loadingNotice());
  const params = { month, broker_id: brokerId, page_size: pageSize };
  try {
    const data = await apiGet('/transactions', { ...params, page });
    const hrefFor = (n) => historyPath(month, brokerId, n);
    replace(results, historyResults(data, { params, hrefFor }));
  } catch (err) {
    if (!err.handled) {
      replace(results, errorNotice(err));
    }
  }
}

function searchForm({ month, brokerId, brokers, operator }) {
  const monthInput = el('input', {
    type: 'month', name: 'month', value: month, required: true, placeholder: 'YYYY-MM',
  });
  const previous = el('button', { type: 'button', class: 'button' }, '前月');
  const next = el('button', { type: 'button', class: 'button' }, '翌月');
  const group = el('div', { class: 'month-picker' }, previous, monthInput, next);
  const monthField = field('取引月', monthInput, { group });
  const broker = operator
    ? field('データブローカー', brokerSelect({ brokers, selected: brokerId }))
    : null;
  const submit = el('button', { type: 'submit', class: 'button button-primary' }, '検索');
  const form = el('form', { class: 'form form-inline', role: 'search', novalidate: true },
    monthField.wrapper, broker ? broker.wrapper : null,
    el('div', { class: 'form-actions' }, submit));

  const chosenBroker = () => (broker ? broker.control.value : '');
  const goTo = (m) => navigate(historyPath(m, chosenBroker(), 1));
  const shift = (delta) => {
    const current = isMonth(monthInput.value) ? monthInput.value : month;
    goTo(addMonths(current, delta));
  };
  on(previous, 'click', () => shift(-1));
  on(next, 'click', () => shift(1));
  on(form, 'submit', (event) => {
    event.preventDefault();
    if (!isMonth(monthInput.value)) {
      monthField.setError('取引月を YYYY-MM の形で入力してください（例：2023-09）。');
      monthInput.focus();
      return;
    }
    if (broker && !broker.control.value) {
      broker.setError('データブローカーを選んでください。');
      broker.control.focus();
      return;
    }
    goTo(monthInput.value);
  });
  const showMonthError = (text) => {
    monthField.setError(text);
    monthInput.focus();
  };
  return { node: form, showMonthError };
}

function historyPath(month, brokerId, page) {
  return withQuery('/history', { month, broker_id: brokerId, page: page > 1 ? page : '' });
}

function pageNumber(raw) {
  const n = Number.parseInt(raw || '1', 10);
  return Number.isInteger(n) && n > 0 ? n : 1;
}
