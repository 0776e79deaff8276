// The search form of 請求管理 and 支払管理: broker (operators only), status,
// period, amount range and date range, as Japanese bookkeeping rules expect
// stored bills to be searchable. The search lives in the URL, so it can be
// reloaded, bookmarked and returned to.

import { field } from '../components/form.js';
import { el, on, setAttr } from '../dom.js';
import { brokerOptionLabel, isDate, parseYen } from '../format.js';
import { navigate } from '../navigation.js';
import { withQuery } from '../paths.js';

// searchNames are the query parameters of a search, as the API names them.
const searchNames = ['broker_id', 'status', 'period_from', 'period_to', 'amount_min',
  'amount_max', 'date_from', 'date_to'];

// readSearch takes the search from the page's query. Values that could
// not have come from the form are dropped; brokers never choose a broker.
export function readSearch(kind, query, { operator }) {
  const search = {};
  for (const name of searchNames) {
    search[name] = query.get(name) || '';
  }
  for (const name of ['period_from', 'period_to', 'date_from', 'date_to']) {
    search[name] = isDate(search[name]) ? search[name] : '';
  }
  for (const name of ['amount_min', 'amount_max']) {
    search[name] = /^\d{1,13}$/.test(search[name]) ? search[name] : '';
  }
  if (!statusChoices(kind, operator).some((s) => s.value === search.status)) {
    search.status = '';
  }
  if (!operator) {
    search.broker_id = '';
  }
  return search;
}

// searchPath is the list page showing page of search.
export function searchPath(kind, search, page = 1) {
  return withQuery(kind.list, { ...search, page: page > 1 ? page : '' });
}

// statusChoices are the statuses one may search for: brokers never see
// drafts.
function statusChoices(kind, operator) {
  return operator ? kind.statuses : kind.statuses.filter((s) => s.value !== 'draft');
}

// searchForm draws the form filled with search; brokers is the picker's
// list (operators only, null for brokers).
export function searchForm(kind, search, brokers) {
  const f = searchFields(kind, search, brokers);
  const submit = el('button', { type: 'submit', class: 'button button-primary' }, '検索');
  const clear = el('a', { href: kind.list, class: 'button' }, '条件をクリア');
  const form = el('form', {
    class: 'form form-inline search-form', role: 'search', novalidate: true,
  },
    f.broker ? f.broker.wrapper : null, f.status.wrapper, f.period.wrapper, f.amount.wrapper,
    f.date.wrapper, el('div', { class: 'form-actions' }, submit, ' ', clear));
  on(form, 'submit', (event) => {
    event.preventDefault();
    const next = checkSearch(f);
    if (next) {
      navigate(searchPath(kind, next));
    }
  });
  return form;
}

function searchFields(kind, search, brokers) {
  const choose = (name, options) => el('select', { name },
    el('option', { value: '' }, 'すべて'),
    options.map((o) => el('option', { value: o.value, selected: o.value === search[name] },
      o.label)));
  const statuses = statusChoices(kind, brokers !== null);
  const brokerOptions = (brokers || []).map((b) => ({
    value: b.id, label: brokerOptionLabel(b.name, b.id),
  }));
  return {
    broker: brokers ? field('データブローカー', choose('broker_id', brokerOptions)) : null,
    status: field('状態', choose('status', statuses)),
    period: rangeField('対象期間', 'period_from', 'period_to', 'date', search),
    amount: rangeField('金額（円）', 'amount_min', 'amount_max', 'text', search),
    date: rangeField(kind.searchDate, 'date_from', 'date_to', 'date', search),
  };
}

// rangeField is a pair of inputs, from and to, under one label.
function rangeField(label, fromName, toName, type, search) {
  const attrs = (name) => ({
    type, name, value: search[name],
    class: type === 'text' ? 'input-range-amount' : null,
    inputmode: type === 'text' ? 'numeric' : null,
    autocomplete: 'off',
  });
  const from = el('input', attrs(fromName));
  const to = el('input', { ...attrs(toName), 'aria-label': `${label}（まで）` });
  const group = el('div', { class: 'range' }, from, el('span', { 'aria-hidden': 'true' }, '〜'), to);
  const f = field(label, from, { group });
  return { ...f, from, to };
}

// checkSearch shows what is wrong beside each range and returns the
// search to go to, or null.
function checkSearch(f) {
  const next = {
    broker_id: f.broker ? f.broker.control.value : '',
    status: f.status.control.value,
  };
  const problems = [
    checkRange(f.period, next, 'period_from', 'period_to', readDate),
    checkRange(f.amount, next, 'amount_min', 'amount_max', readAmount),
    checkRange(f.date, next, 'date_from', 'date_to', readDate),
  ];
  const first = problems.find((p) => p);
  if (first) {
    first.focus();
    return null;
  }
  return next;
}

// checkRange reads a range into next and returns the input to fix, or
// null when the range is fine.
function checkRange(range, next, fromName, toName, read) {
  const from = read(range.from.value);
  const to = read(range.to.value);
  let problem = '';
  let bad = null;
  if (from === null || to === null) {
    bad = from === null ? range.from : range.to;
    problem = read === readDate
      ? '日付を YYYY-MM-DD の形で入力してください。'
      : '金額は0以上の整数で入力してください（カンマは付けても構いません）。';
  } else if (from !== '' && to !== '' && isAfter(from, to)) {
    bad = range.to;
    problem = '範囲の終わりは、始まりと同じか後にしてください。';
  }
  range.setError(problem);
  setAttr(range.from, 'aria-invalid', bad === range.from ? 'true' : null);
  setAttr(range.to, 'aria-invalid', bad === range.to ? 'true' : null);
  next[fromName] = from || '';
  next[toName] = to || '';
  return bad;
}

// isAfter compares two dates (yyyy-mm-dd) or two amounts (digits).
function isAfter(from, to) {
  return from.includes('-') ? from > to : Number(from) > Number(to);
}

// readDate returns a date, "" when empty, or null when it cannot be read.
function readDate(text) {
  if (!text) {
    return '';
  }
  return isDate(text) ? text : null;
}

// readAmount returns an amount as digits, "" when empty, or null.
function readAmount(text) {
  if (!text.trim()) {
    return '';
  }
  const n = parseYen(text);
  return n === null ? null : String(n);
}
