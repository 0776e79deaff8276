// Japanese messages for the API's error codes. The API's own messages are
// English; a code without a message here falls back to them.

const messages = {
  network: 'サーバーに接続できませんでした。通信状態を確認して、もう一度お試しください。',
  invalid_credentials: 'ログインIDまたはパスワードが正しくありません。',
  too_many_attempts:
    'ログインの失敗が続いたため、しばらく受け付けません。時間をおいて再度お試しください。',
  account_disabled: 'このアカウントは無効です。システム管理者に連絡してください。',
  unauthenticated: 'ログインの有効期限が切れました。もう一度ログインしてください。',
  forbidden: 'この操作を行う権限がありません。',
  csrf_token_invalid:
    'セッションを確認できませんでした。ページを再読み込みしてから、もう一度お試しください。',
  not_found: '対象が見つかりません。',
  not_parked: 'このバッチは保留中ではないため、再実行・破棄できません。画面を再読み込みしてください。',
  already_exists: 'このIDは既に使われています。別のIDを指定してください。',
  invalid_organization:
    '権限に合った組織を選んでください（データブローカーはその組織、運用者と管理者は清算機関）。',
  broker_required: 'データブローカーを選んでください。',
  already_reversed:
    'この明細は既に取り消されているか、それ自体が取消の明細です。画面を更新して確認してください。',
  already_closed: 'この月は既に締められています。締め済みの一覧で結果を確認できます。',
  month_not_ended: 'この月はまだ終わっていません（日本時間）。締められるのは終わった月だけです。',
  body_too_large: '送信する内容が大きすぎます。',
  service_unavailable: 'サービスが一時的に利用できません。しばらくしてから再度お試しください。',
  internal_error: 'サーバーで処理に失敗しました。',
  invalid_code: '確認コードが正しくないか、有効期限が切れています。',
  invalid_transition:
    '現在の状態ではこの操作はできません。画面を再読み込みして、最新の状態を確認してください。',
  same_operator: 'この支払を登録・変更した運用者は承認できません。別の運用者が承認してください。',
  document_missing: 'PDFが添付されていません。先にPDFを登録してください。',
  exceeds_balance:
    '清算残高を超えるため実行できません。清算確認で残高と、発行済みの請求・承認済みの支払を確認してください。',
  amount_changed:
    '金額が画面を開いた後に変更されています。ページを再読み込みして、最新の金額を確認してください。',
  not_reversible:
    'この明細は取り消せません。締め・請求・支払による明細は、それぞれの画面で訂正してください。',
  document_too_large: 'PDFファイルは6MB（6,291,456バイト）以下にしてください。',
  invalid_document: 'PDFファイルとして読み取れませんでした。壊れていないPDFファイルを選んでください。',
};

// errorMessage says in Japanese what went wrong. Server failures carry the
// request id, which operators need to find the failure in the logs.
export function errorMessage(err) {
  let text = messages[err.code];
  if (!text) {
    text = err.message ? `エラー：${err.message}` : `エラーが発生しました（HTTP ${err.status}）。`;
  }
  if (err.status >= 500 && err.requestId) {
    text += `（リクエストID：${err.requestId}）`;
  }
  return text;
}
