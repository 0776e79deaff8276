// Unit tests of the portal scripts' pure helpers, run by portal_test.go
// with `node --test`.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  actorName, auditEntry, changedFields, dateOf, recorderLabel, snakeKey,
} from '../web/assets/js/audit.js';
import { toCSV } from '../web/assets/js/csv.js';
import { newIdempotencyKey } from '../web/assets/js/api.js';
import {
  addMonths, brokerLabel, brokerOptionLabel, dateJST, dateTimeJST, dateTodayJST, fiscalLabel, isDate, isMonth,
  fileSize, monthJST, monthSpan, parseYen, period, signedYen, yen,
} from '../web/assets/js/format.js';
import {
  loginPath, recordPath, safeReturnPath, settlementPath, webAddress, withQuery,
} from '../web/assets/js/paths.js';
import { maxPDFBytes, pdfProblem, toBase64 } from '../web/assets/js/pdf.js';

const origin = 'http://127.0.0.1:8080';

test('amounts carry their sign and thousands separators', () => {
  const cases = [[2000, '+2,000円'], [-10000, '-10,000円'], [0, '0円'], [1234567, '+1,234,567円']];
  for (const [n, want] of cases) {
    assert.equal(signedYen(n), want, `signedYen(${n})`);
  }
});

test('dates are Japan dates, whatever the zone of the timestamp', () => {
  assert.equal(dateTimeJST('2023-09-30T14:30:00Z'), '2023-09-30 23:30:00');
  assert.equal(dateJST('2023-09-30T15:30:00Z'), '2023-10-01');
  assert.equal(dateTimeJST('2023-09-21T10:00:00+09:00'), '2023-09-21 10:00:00');
  assert.equal(dateJST('not a date'), '');
});

test('the current month is the month in Japan', () => {
  assert.equal(monthJST(Date.parse('2023-09-30T15:30:00Z')), '2023-10');
  assert.equal(monthJST(Date.parse('2023-09-30T14:30:00Z')), '2023-09');
});

test('months move across years', () => {
  assert.equal(addMonths('2023-01', -1), '2022-12');
  assert.equal(addMonths('2023-12', 1), '2024-01');
  assert.equal(addMonths('2023-09', 0), '2023-09');
  assert.ok(isMonth('2023-09'));
  for (const bad of ['2023-13', '2023-9', '', null, '2023-09-01']) {
    assert.ok(!isMonth(bad), `isMonth(${bad})`);
  }
});

test('brokers read "name / id", and "id / name" in pickers', () => {
  assert.equal(brokerLabel('データブローカーA', 'A'), 'データブローカーA / A');
  assert.equal(brokerLabel('', 'A'), 'A');
  assert.equal(brokerOptionLabel('データブローカーA', 'A'), 'A / データブローカーA');
  assert.equal(brokerOptionLabel('', 'A'), 'A');
});

test('who recorded a ledger entry reads in Japanese', () => {
  assert.equal(recorderLabel('operator:xyz'), 'オペレーター xyz');
  assert.equal(recorderLabel('workflow:close-2023-09'), 'ワークフロー close-2023-09');
  assert.equal(recorderLabel('schedule'), 'schedule');
  for (const absent of [undefined, null, '']) {
    assert.equal(recorderLabel(absent), '', `recorderLabel(${absent})`);
  }
});

test('only local paths are return paths', () => {
  const kept = [
    ['/history', '/history'],
    ['/history?month=2023-09&broker_id=A', '/history?month=2023-09&broker_id=A'],
    ['/batches/req%3A1', '/batches/req%3A1'],
  ];
  for (const [raw, want] of kept) {
    assert.equal(safeReturnPath(raw, origin), want, `safeReturnPath(${raw})`);
  }
  const refused = [
    'https://evil.example/', '//evil.example/x', '/\\evil.example', '\\\\evil.example',
    'javascript:alert(1)', '/\tevil', 'history', '', null, undefined, '/login?next=/x',
    '/api/v1/users', 'http://127.0.0.1:8080/history', '/\nevil',
  ];
  for (const raw of refused) {
    assert.equal(safeReturnPath(raw, origin), '', `safeReturnPath(${raw})`);
  }
});

test('login paths and queries are encoded', () => {
  assert.equal(loginPath('/history?month=2023-09'), '/login?next=%2Fhistory%3Fmonth%3D2023-09');
  assert.equal(loginPath(''), '/login');
  assert.equal(withQuery('/batches', { status: '', page: 2 }), '/batches?page=2');
  assert.equal(withQuery('/batches', { status: '' }), '/batches');
});

test('CSV opens in Excel: BOM, CRLF, quoted text, bare numbers', () => {
  const csv = toCSV([['取引先', '金額'], ['A "1", B', -5000], ['=HYPERLINK("x")', 3000]]);
  assert.equal(csv,
    '\uFEFF"取引先","金額"\r\n"A ""1"", B",-5000\r\n"\'=HYPERLINK(""x"")",3000\r\n');
});

test('fiscal years start in April', () => {
  const cases = [['2023-09', '2023年度9月'], ['2024-01', '2023年度1月'], ['2024-03', '2023年度3月'],
    ['2024-04', '2024年度4月']];
  for (const [month, want] of cases) {
    assert.equal(fiscalLabel(month), want, `fiscalLabel(${month})`);
  }
});

test('month spans count both ends', () => {
  assert.equal(monthSpan('2023-09', '2023-10'), 2);
  assert.equal(monthSpan('2023-12', '2024-01'), 2);
  assert.equal(monthSpan('2023-09', '2023-09'), 1);
  assert.ok(monthSpan('2023-10', '2023-09') < 1);
});

test('dates are read strictly and today is the date in Japan', () => {
  assert.ok(isDate('2023-10-01'));
  for (const bad of ['2023-02-30', '2023-10-1', '', null, '2023-10-01T00:00']) {
    assert.ok(!isDate(bad), `isDate(${bad})`);
  }
  assert.equal(dateTodayJST(Date.parse('2023-09-30T15:30:00Z')), '2023-10-01');
});

test('yen amounts are read as people type them', () => {
  const kept = [['5000', 5000], ['5,000', 5000], ['１２，０００', 12000], [' 3000円 ', 3000],
    ['0', 0]];
  for (const [raw, want] of kept) {
    assert.equal(parseYen(raw), want, `parseYen(${raw})`);
  }
  for (const bad of ['', '-5', '1.5', '5e3', 'abc', '99999999999999999999', null]) {
    assert.equal(parseYen(bad), null, `parseYen(${bad})`);
  }
  assert.equal(yen(1234567), '1,234,567円');
});

test('only web addresses become workflow links', () => {
  const url = 'http://127.0.0.1:8233/namespaces/default/workflows/close-2023-09';
  assert.equal(webAddress(url), url);
  for (const bad of ['javascript:alert(1)', 'data:text/html,x', '/relative', '', null]) {
    assert.equal(webAddress(bad), '', `webAddress(${bad})`);
  }
  assert.equal(settlementPath('A'), '/settlement?broker_id=A');
  assert.equal(settlementPath(''), '/settlement');
});

test('idempotency keys are fresh and fit the API', () => {
  const a = newIdempotencyKey();
  assert.match(a, /^[A-Za-z0-9._:-]{8,128}$/);
  assert.notEqual(a, newIdempotencyKey());
});

test('PDFs are checked by size and content before upload', () => {
  const head = [...Buffer.from('%PDF-1.4\n')];
  assert.equal(maxPDFBytes, 6291456);
  assert.equal(pdfProblem(maxPDFBytes, head), '');
  assert.match(pdfProblem(maxPDFBytes + 1, head), /6MB/);
  assert.match(pdfProblem(0, []), /空/);
  assert.match(pdfProblem(100, [...Buffer.from('\x89PNG\r\n')]), /PDFではありません/);
});

test('files are base64 encoded as the API expects, however large', () => {
  const bytes = new Uint8Array(100000).map((_, i) => (i * 7) % 256);
  assert.equal(toBase64(bytes), Buffer.from(bytes).toString('base64'));
  assert.equal(toBase64(new Uint8Array()), '');
  assert.equal(toBase64(new TextEncoder().encode('%PDF-')), 'JVBERi0=');
});

test('sizes and periods read naturally', () => {
  assert.equal(fileSize(980), '980バイト');
  assert.equal(fileSize(1536), '1.5KB');
  assert.equal(fileSize(1_600_000), '1.5MB');
  assert.equal(period('2023-09-01', '2023-09-30'), '2023-09-01〜2023-09-30');
  assert.equal(period('2023-09-01', ''), '2023-09-01〜');
  assert.equal(period('', ''), '');
  assert.equal(recordPath('/invoices', 'inv/1', 'edit'), '/invoices/inv%2F1/edit');
  assert.equal(recordPath('/payments', 'pay_1'), '/payments/pay_1');
});

test('change histories read Go and JSON key styles alike', () => {
  for (const [raw, want] of [['BrokerID', 'broker_id'], ['DocumentSHA256', 'document_sha256'],
    ['At', 'at'], ['broker_id', 'broker_id'], ['LedgerEntryID', 'ledger_entry_id']]) {
    assert.equal(snakeKey(raw), want, `snakeKey(${raw})`);
  }
  const entry = auditEntry({ At: '2023-10-03T00:00:00Z', Action: 'update', Actor: 'operator:op2',
    Before: { Amount: 5000, Note: '' }, After: { Amount: 6000, Note: '' } });
  assert.equal(entry.action, 'update');
  assert.equal(actorName(entry.actor), 'op2');
  assert.equal(actorName('workflow'), 'ワークフロー（自動）');
  const fields = [{ label: '金額', value: (r) => yen(r.amount) }, { label: '備考', value: (r) => r.note }];
  assert.deepEqual(changedFields(entry.before, entry.after, fields),
    [{ label: '金額', before: '5,000円', after: '6,000円' }]);
  assert.deepEqual(changedFields(null, { amount: 1, note: '' }, fields),
    [{ label: '金額', before: '', after: '1円' }]);
  assert.equal(dateOf('2099-10-31T00:00:00Z'), '2099-10-31');
});
