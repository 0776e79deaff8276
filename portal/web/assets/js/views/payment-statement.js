// 支払明細書登録: attach the payment statement (支払明細書) PDF to a draft
// payment — choose, confirm, done. A statement registered before is
// replaced. The approver approves the payment with its statement, so the
// statement is registered before the approval.

import { apiGet, apiPost, newIdempotencyKey } from '../api.js';
import { formError } from '../components/form.js';
import { emptyState, errorNotice, messageNotice, successNotice } from '../components/notice.js';
import { pdfField } from '../components/pdf-field.js';
import { stepButtons, stepFlow } from '../components/steps.js';
import { details } from '../components/table.js';
import { el, on } from '../dom.js';
import { errorMessage } from '../errors.js';
import { brokerLabel, fileSize, yen } from '../format.js';
import { recordPath } from '../paths.js';
import { docLink, paymentKind, statusBadge } from './bill-kinds.js';

const titles = ['支払明細書登録', '支払明細書登録確認', '支払明細書登録完了'];

// renderPaymentStatement draws the screen for the payment in the URL.
export async function renderPaymentStatement({ root, params, setTitle }) {
  const data = await apiGet(`/payments/${encodeURIComponent(params.id)}`);
  const payment = data.payment;
  const detailPath = recordPath(paymentKind.list, payment.id);
  const back = el('p', {}, el('a', { href: detailPath }, '支払の詳細へ戻る'));
  if (payment.status !== 'draft') {
    root.append(back, emptyState('この支払には支払明細書を登録できません。',
      '支払明細書は、承認される前（下書き）の支払に登録します。'));
    return;
  }
  const flow = stepFlow(root, { titles, setTitle });
  const pdf = pdfField('支払明細書（PDF、6MBまで）', { name: 'statement_pdf_base64',
    hint: payment.has_statement ? '登録済みの支払明細書は、選んだファイルに置き換わります。' : '' });
  const errors = formError();
  const submit = el('button', { type: 'submit', class: 'button button-primary' }, '確認へ進む');
  const form = el('form', { class: 'form', novalidate: true },
    errors.box, pdf.wrapper, el('div', { class: 'form-actions' }, submit));
  const page = el('div', {}, back, details(paymentPairs(payment)), form);
  on(form, 'submit', async (event) => {
    event.preventDefault();
    errors.clear();
    const file = await pdf.read();
    if (!file) {
      pdf.setError('支払明細書のPDFファイルを選んでください。');
      pdf.control.focus();
      return;
    }
    if (!file.problem) {
      flow.show(1, confirmation({ payment, file, flow, page, pdf, errors }));
    }
  });
  flow.show(0, page);
}

function paymentPairs(p) {
  return [
    ['支払ID', p.id],
    ['状態', statusBadge(paymentKind, p.status)],
    ['データブローカー', brokerLabel(p.broker_name, p.broker_id)],
    ['金額', yen(p.amount)],
    ['支払予定日', p.scheduled_on],
    ['登録済みの支払明細書', p.has_statement ? docLink(paymentKind, p) : 'なし'],
  ];
}

function confirmation({ payment, file, flow, page, pdf, errors }) {
  const box = formError();
  const { back, submit, row } = stepButtons('登録する');
  const headers = { 'Idempotency-Key': newIdempotencyKey() };
  on(back, 'click', () => flow.show(0, page));
  on(submit, 'click', async () => {
    box.clear();
    submit.disabled = true;
    let saved;
    try {
      saved = await apiPost(`/payments/${encodeURIComponent(payment.id)}/statement`,
        { statement_pdf_base64: file.base64 }, { headers });
    } catch (err) {
      submit.disabled = false;
      if (err.code === 'invalid_document' || err.code === 'document_too_large') {
        pdf.setError(errorMessage(err));
        errors.show(messageNotice('入力内容を確認してください。'));
        flow.showInvalid(page);
      } else if (!err.handled) {
        box.show(errorNotice(err));
      }
      return;
    }
    flow.show(2, done(saved));
  });
  return el('div', { class: 'confirm-step' },
    el('p', {}, '次の支払に支払明細書を登録します。よろしければ「登録する」を押してください。'),
    box.box,
    details([...paymentPairs(payment).slice(0, 5),
      ['登録するファイル', `${file.name}（${fileSize(file.size)}）`]]),
    payment.has_statement ? el('p', {}, '登録済みの支払明細書は、このファイルに置き換わります。') : null,
    row);
}

function done(saved) {
  return el('div', { class: 'done-step' },
    successNotice('支払明細書を登録しました。'),
    details(paymentPairs(saved)),
    el('div', { class: 'button-row' },
      el('a', { href: recordPath(paymentKind.list, saved.id), class: 'button button-primary',
        id: 'done-detail' }, '支払の詳細へ'),
      el('a', { href: paymentKind.list, class: 'button' }, '支払管理へ戻る')));
}
