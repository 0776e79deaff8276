// 清算確認: a broker's settlement ledger, oldest first, with the settlement
// balance. Operators choose the broker, record collections and payouts and
// reverse entries; a broker sees its own organisation. The broker lives in
// the URL, so the page can be reloaded and returned to after login.

import { apiGet } from '../api.js';
import { brokerSelect, fetchBrokers } from '../components/broker-picker.js';
import { field } from '../components/form.js';
import { emptyState, errorNotice, loadingNotice } from '../components/notice.js';
import { append, el, on, replace } from '../dom.js';
import { navigate } from '../navigation.js';
import { settlementPath } from '../paths.js';
import { isOperator } from '../session.js';
import { entryForm } from './settlement-entry-form.js';
import { ledgerView } from './settlement-ledger.js';
import { reverseEntry } from './settlement-reversal.js';

// renderSettlement draws the broker picker (operators only), the ledger
// and, for operators, the form that records collections and payouts.
export async function renderSettlement({ root, query }) {
  const operator = isOperator();
  const brokerId = operator ? query.get('broker_id') || '' : '';
  const brokers = operator ? await fetchBrokers() : [];
  const results = el('section', { class: 'results', 'aria-label': '清算明細' });
  append(root, operator ? pickerForm(brokers, brokerId) : null, results);

  if (operator && brokers.length === 0) {
    results.append(emptyState('データブローカーが登録されていません。',
      'データブローカーが登録されると、ここで選べるようになります。'));
    return;
  }
  if (operator && !brokerId) {
    results.append(emptyState('データブローカーを選んでください。',
      'データブローカーを選んで「表示」を押すと、その清算明細と清算残高を表示します。'));
    return;
  }
  const page = { results, brokerId, data: null, operator };
  await showLedger(page);
  if (page.data && operator) {
    root.append(recordSection(page));
  }
}

// showLedger loads the ledger into page.results and keeps it in page.data
// (null when it could not be read). notice, when given, says above it what
// was just done. For operators each entry offers 取消.
async function showLedger(page, notice = null) {
  replace(page.results, loadingNotice());
  try {
    page.data = await apiGet('/settlements', { broker_id: page.brokerId });
  } catch (err) {
    page.data = null;
    replace(page.results, notice, err.handled ? null : errorNotice(err));
    return;
  }
  const onDone = (done) => showLedger(page, done);
  const broker = page.data.broker;
  const onReverse = page.operator ? (item) => reverseEntry(item, { broker, onDone }) : null;
  replace(page.results, ledgerView(page.data, { onReverse, operator: page.operator }));
  showDone(page.results, notice);
}

// showDone puts a message that an action was done at the top of results
// and moves focus there, so that screen readers announce it.
function showDone(results, notice) {
  if (!notice) {
    return;
  }
  notice.tabIndex = -1;
  results.prepend(notice);
  notice.focus();
}

// recordSection holds the 入金・出金の記録 form for the broker shown. The
// balance its confirmation forecasts follows the ledger as it is reloaded;
// the message that an entry was recorded shows above the reloaded ledger,
// beside the new balance.
function recordSection(page) {
  const balance = () => (page.data ? page.data.balance : null);
  return el('section', { class: 'panel panel-form', 'aria-labelledby': 'record-title' },
    el('h2', { id: 'record-title' }, '入金・出金の記録'),
    el('p', { class: 'section-note' },
      '請求・支払の画面を通さない入金と出金を、清算明細に記録します。'),
    entryForm({ broker: page.data.broker, balance, onRecorded: (done) => showLedger(page, done) }));
}

function pickerForm(brokers, brokerId) {
  const broker = field('データブローカー', brokerSelect({ brokers, selected: brokerId }));
  const submit = el('button', { type: 'submit', class: 'button button-primary' }, '表示');
  const form = el('form', { class: 'form form-inline', role: 'search', novalidate: true },
    broker.wrapper, el('div', { class: 'form-actions' }, submit));
  on(form, 'submit', (event) => {
    event.preventDefault();
    if (!broker.control.value) {
      broker.setError('データブローカーを選んでください。');
      broker.control.focus();
      return;
    }
    navigate(settlementPath(broker.control.value));
  });
  return form;
}
