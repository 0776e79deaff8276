// The CSV download of a 請求管理 or 支払管理 search: every matching record,
// read a large page at a time, built in the browser.

import { apiGet } from '../api.js';
import { errorNotice, successNotice } from '../components/notice.js';
import { actorName } from '../audit.js';
import { downloadText, toCSV } from '../csv.js';
import { el, on, replace } from '../dom.js';
import { dateTimeJST, dateTodayJST } from '../format.js';
import { statusLabel } from './bill-kinds.js';

// csvPageSize is the API's largest page.
const csvPageSize = 1000;

const invoiceColumns = [
  ['請求番号', (r) => r.number || ''], ['請求ID', (r) => r.id],
  ['データブローカーID', (r) => r.broker_id], ['データブローカー', (r) => r.broker_name],
  ['金額', (r) => r.amount], ['対象期間（開始）', (r) => r.period_from || ''],
  ['対象期間（終了）', (r) => r.period_to || ''], ['支払期限', (r) => r.due_date],
  ['状態', (r, kind) => statusLabel(kind, r.status)],
  ['発行日時', (r) => (r.issued_at ? dateTimeJST(r.issued_at) : '')],
  ['入金日', (r) => r.paid_on || ''], ['備考', (r) => r.note || ''],
];

const paymentColumns = [
  ['支払ID', (r) => r.id], ['データブローカーID', (r) => r.broker_id],
  ['データブローカー', (r) => r.broker_name], ['金額', (r) => r.amount],
  ['対象期間（開始）', (r) => r.period_from || ''], ['対象期間（終了）', (r) => r.period_to || ''],
  ['支払予定日', (r) => r.scheduled_on], ['状態', (r, kind) => statusLabel(kind, r.status)],
  ['登録者', (r) => actorName(r.created_by)],
  ['承認者', (r) => (r.approved_by ? actorName(r.approved_by) : '')],
  ['支払日', (r) => r.paid_on || ''], ['備考', (r) => r.note || ''],
];

// csvButton offers the records matching search as a CSV file.
export function csvButton(kind, search) {
  const button = el('button', { type: 'button', class: 'button' }, 'CSVダウンロード');
  const status = el('div', { class: 'csv-status' });
  on(button, 'click', async () => {
    button.disabled = true;
    replace(status, el('span', { role: 'status' }, 'CSVを作成中…'));
    try {
      const items = await allRecords(kind, search);
      const columns = kind.kind === 'invoice' ? invoiceColumns : paymentColumns;
      const rows = [columns.map(([label]) => label),
        ...items.map((r) => columns.map(([, value]) => value(r, kind)))];
      downloadText(`${kind.listTitle}_${dateTodayJST()}.csv`, toCSV(rows));
      replace(status, successNotice(`CSVファイル（${items.length}件）をダウンロードしました。`));
    } catch (err) {
      replace(status, err.handled ? null : errorNotice(err));
    } finally {
      button.disabled = false;
    }
  });
  return [button, status];
}

async function allRecords(kind, search) {
  const items = [];
  for (let page = 1; ; page++) {
    const data = await apiGet(kind.api, { ...search, page, page_size: csvPageSize });
    items.push(...data.items);
    if (data.items.length < csvPageSize || items.length >= data.total) {
      return items;
    }
  }
}
