// The result of a 取引履歴 search: the month's balance, its rows and the
// CSV download.

import { apiGet } from '../api.js';
import { amount } from '../components/amount.js';
import { emptyState, errorNotice, successNotice } from '../components/notice.js';
import { pager } from '../components/pager.js';
import { dataTable } from '../components/table.js';
import { downloadText, toCSV } from '../csv.js';
import { el, on, replace } from '../dom.js';
import { brokerLabel, dateTimeJST } from '../format.js';

const columns = [
  { label: '取引先' },
  { label: 'データブローカー' },
  { label: '銘柄コード' },
  { label: '金額', className: 'cell-number' },
  { label: '取引種別' },
  { label: '取引日時' },
];

// csvPageSize is the API's largest page: the CSV reads the month in as few
// requests as it can.
const csvPageSize = 1000;

// historyResults shows one page of GET /api/v1/transactions. params are
// the search's month and broker, for the CSV; hrefFor links to a page.
export function historyResults(data, { params, hrefFor }) {
  const section = el('div', {}, summary(data));
  if (data.total === 0) {
    section.append(emptyState('この月の取引はありません。',
      '別の取引月を選んで「検索」を押してください。'));
    return section;
  }
  if (data.items.length === 0) {
    section.append(emptyState('このページに表示する取引はありません。',
      el('a', { href: hrefFor(1) }, '最初のページへ')));
    return section;
  }
  section.append(
    csvDownload(data, params),
    el('p', { class: 'table-note' },
      '金額は収支への影響です（売却は +、購入は -）。取引日時は日本時間です。'),
    dataTable({
      caption: `${data.fiscal_label}の取引履歴（取引日時の古い順）`,
      columns,
      rows: data.items.map(row),
    }),
    pager({
      page: data.page, pageSize: data.page_size, shown: data.items.length,
      total: data.total, hrefFor,
    }));
  return section;
}

// summary is the header of the result: whose history, the aggregation date
// and the month's balance, e.g. 2023年度9月収支：+2,000円 [未確定].
function summary(data) {
  const status = data.confirmed
    ? el('span', { class: 'badge badge-confirmed' }, '[確定]')
    : el('span', { class: 'badge badge-provisional' }, '[未確定]');
  return el('div', { class: 'summary' },
    el('p', {}, `データブローカー：${brokerLabel(data.broker.name, data.broker.id)}`),
    el('p', {}, `集計日：${data.as_of}`),
    el('p', { class: 'summary-balance', id: 'month-balance' },
      `${data.fiscal_label}収支：`, amount(data.balance), ' ', status),
    data.late_balance ? lateNote(data.late_balance) : null,
    data.confirmed ? null : el('p', { class: 'summary-note' },
      '月次の締めが済むまでは未確定です。金額が変わることがあります。'));
}

// lateNote explains rows that arrived after the month was closed: they are
// listed, but their effect is posted at the next closing, not in the
// confirmed balance above.
function lateNote(lateBalance) {
  return el('p', { class: 'summary-note' },
    '締め後に到着した取引の収支：', amount(lateBalance),
    '（確定した収支には含まれず、次回の締めで調整として計上されます）');
}

function row(item) {
  const tradedAt = [dateTimeJST(item.traded_at)];
  if (item.late) {
    tradedAt.push(' ', el('span', { class: 'badge badge-late' }, '締め後に到着'));
  }
  return [
    brokerLabel(item.counterparty_name, item.counterparty_id),
    brokerLabel(item.broker_name, item.broker_id),
    item.item_code,
    amount(item.signed_amount),
    item.type_label || item.type,
    tradedAt,
  ];
}

// csvDownload is a button that builds the month's CSV (every page) in the
// browser and offers it as a file.
function csvDownload(data, params) {
  const button = el('button', { type: 'button', class: 'button' }, 'CSVダウンロード');
  const status = el('div', { class: 'csv-status' });
  on(button, 'click', async () => {
    button.disabled = true;
    replace(status, el('span', { role: 'status' }, 'CSVを作成中…'));
    try {
      const items = await allRows(params);
      downloadText(`取引履歴_${data.broker.id}_${data.month}.csv`, toCSV(csvRows(items)));
      replace(status, successNotice(`CSVファイル（${items.length}件）をダウンロードしました。`));
    } catch (err) {
      replace(status, err.handled ? null : errorNotice(err));
    } finally {
      button.disabled = false;
    }
  });
  return el('div', { class: 'toolbar' }, button, status);
}

async function allRows(params) {
  const items = [];
  for (let page = 1; ; page++) {
    const data = await apiGet('/transactions', { ...params, page, page_size: csvPageSize });
    items.push(...data.items);
    if (data.items.length < csvPageSize || items.length >= data.total) {
      return items;
    }
  }
}

function csvRows(items) {
  const header = ['取引先', '取引先ID', 'データブローカー', 'データブローカーID', '銘柄コード',
    '金額', '取引種別', '取引日時', '約定ID'];
  return [header, ...items.map((i) => [
    i.counterparty_name, i.counterparty_id, i.broker_name, i.broker_id, i.item_code,
    i.signed_amount, i.type_label || i.type, dateTimeJST(i.traded_at), i.contract_id,
  ])];
}
