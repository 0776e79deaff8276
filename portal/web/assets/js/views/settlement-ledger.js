// A broker's settlement ledger as GET /api/v1/settlements gives it: the
// settlement balance (清算残高), the entries oldest first with the running
// balance after each, and the CSV download.

import { recorderLabel } from '../audit.js';
import { amount } from '../components/amount.js';
import { emptyState, successNotice } from '../components/notice.js';
import { dataTable } from '../components/table.js';
import { workflowLink } from '../components/workflow-link.js';
import { downloadText, toCSV } from '../csv.js';
import { append, el, on, replace } from '../dom.js';
import { brokerLabel, dateTodayJST } from '../format.js';

const columns = [
  { label: '収支', className: 'cell-number' },
  { label: '摘要' },
  { label: '更新日', className: 'cell-nowrap' },
  { label: '残高', className: 'cell-number' },
];

const actionColumn = { label: '操作', className: 'cell-action' };

// ledgerView shows the ledger. onReverse, given for operators, adds a 取消
// button to each entry that can still be reversed; operator adds who
// recorded each entry and why to the CSV.
export function ledgerView(data, { onReverse = null, operator = false } = {}) {
  const section = el('div', {}, summary(data));
  if (data.items.length === 0) {
    section.append(emptyState('清算明細はまだありません。',
      '月次の締めが済むと、その月の取引収支がここに計上されます。'));
    return section;
  }
  const reversed = new Set(data.items.filter((i) => i.reverses).map((i) => i.reverses));
  const rows = data.items.map((item) => {
    const cells = [amount(item.amount), description(item, reversed), item.date,
      amount(item.balance)];
    return onReverse ? [...cells, reverseButton(item, reversed, onReverse)] : cells;
  });
  append(section,
    csvDownload(data, operator),
    el('p', { class: 'table-note' },
      '収支は各明細が清算残高に与える影響、残高はその明細を計上した後の清算残高です。'),
    onReverse ? el('p', { class: 'table-note' }, '取消できるのは、ここで記録した入金・出金だけです。'
      + '締め・請求・支払による明細は、それぞれの画面で訂正します。') : null,
    dataTable({
      caption: `${brokerLabel(data.broker.name, data.broker.id)}の清算明細（更新日の古い順）`,
      columns: onReverse ? [...columns, actionColumn] : columns,
      rows,
    }));
  return section;
}

// summary is the header: whose ledger and the settlement balance with its
// sign spelled out, coloured and explained in words.
function summary(data) {
  return el('div', { class: 'summary' },
    el('p', {}, `データブローカー：${brokerLabel(data.broker.name, data.broker.id)}`),
    el('p', { class: 'summary-balance', id: 'settlement-balance' },
      '清算残高：', amount(data.balance)),
    el('p', { class: 'summary-note' }, balanceMeaning(data.balance)));
}

// balanceMeaning says who owes whom: a positive balance is owed to the
// broker by the clearing house, a negative one by the broker.
function balanceMeaning(balance) {
  if (balance > 0) {
    return 'プラス：清算機関がデータブローカーに支払う残高があります。';
  }
  if (balance < 0) {
    return 'マイナス：データブローカーが清算機関に支払う残高があります。';
  }
  return '未清算の残高はありません。';
}

// description is the 摘要 with what explains the entry: that it was
// reversed, the reason given and who or what recorded it. Brokers get
// neither the reason nor the recorder, so those may be absent.
function description(item, reversed) {
  const notes = [item.reason ? `理由：${item.reason}` : null, recordedBy(item)]
    .filter(Boolean);
  return [
    item.description,
    reversed.has(item.id) ? [' ', el('span', { class: 'badge badge-reversed' }, '取消済み')] : null,
    notes.length > 0
      ? el('span', { class: 'cell-note' }, notes.flatMap((n, i) => (i > 0 ? ['　', n] : [n])))
      : null,
  ];
}

// recordedBy names who recorded an entry: an operator, or the workflow
// that posted it (the month's closing, say), linked to the Temporal Web UI
// when the API gives the workflow's address.
function recordedBy(item) {
  const createdBy = String(item.created_by || '');
  if (!createdBy) {
    return null;
  }
  const label = recorderLabel(createdBy);
  if (!createdBy.startsWith('workflow:')) {
    return `記録者：${label}`;
  }
  const text = `自動計上（${label}）`;
  return workflowLink(item.workflow_url, text) || text;
}

// reverseButton offers 取消 for an entry the API marks reversible (an
// operator's own collection or payout) that is neither a reversal nor
// reversed already.
// Entries of closings, invoices and payments are corrected where they came
// from, so they get no button.
function reverseButton(item, reversed, onReverse) {
  if (item.reversible !== true || item.kind === 'reversal' || reversed.has(item.id)) {
    return '—';
  }
  const button = el('button', {
    type: 'button', class: 'button button-small', 'data-entry': item.id,
    'aria-label': `取消：${item.date} ${item.description}`,
  }, '取消');
  on(button, 'click', () => onReverse(item));
  return button;
}

// csvDownload is a button that offers the ledger shown as a CSV file.
function csvDownload(data, operator) {
  const button = el('button', { type: 'button', class: 'button' }, 'CSVダウンロード');
  const status = el('div', { class: 'csv-status' });
  on(button, 'click', () => {
    const filename = `清算確認_${data.broker.id}_${dateTodayJST()}.csv`;
    downloadText(filename, toCSV(csvRows(data.items, operator)));
    replace(status, successNotice(`CSVファイル（${data.items.length}件）をダウンロードしました。`));
  });
  return el('div', { class: 'toolbar' }, button, status);
}

// csvRows are the ledger as CSV rows. Who recorded an entry and why is
// known to operators only; brokers' files leave those columns out.
function csvRows(items, operator) {
  const header = ['更新日', '収支', '摘要', '残高', '理由', '記録者', '明細ID', '取消対象の明細ID'];
  const row = (i) => [i.date, i.amount, i.description, i.balance, i.reason || '',
    recorderLabel(i.created_by), i.id, i.reverses || ''];
  const staffOnly = new Set(['理由', '記録者']);
  const keep = header.map((name) => operator || !staffOnly.has(name));
  const pick = (cells) => cells.filter((_, n) => keep[n]);
  return [pick(header), ...items.map((i) => pick(row(i)))];
}
