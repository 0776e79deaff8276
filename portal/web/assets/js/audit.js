// Reading the API's change history (audit trail) of a record: who did what,
// when, with the record before and after. Pure functions: no DOM.
//
// The API spells the trail's keys as its Go structs name them ("Actor",
// "Before") and the records inside in either style ("amount" or
// "Amount", "broker_id" or "BrokerID"); every key is read as snake_case.

// snakeKey turns BrokerID into broker_id; snake_case stays as it is.
export function snakeKey(key) {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

// snakeObject copies an object with its keys in snake_case; anything else
// becomes null.
export function snakeObject(value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return null;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [snakeKey(k), v]));
}

// auditEntry reads one change as {at, action, actor, before, after}.
export function auditEntry(raw) {
  const r = snakeObject(raw) || {};
  return {
    at: r.at || '',
    action: r.action || '',
    actor: r.actor || '',
    before: snakeObject(r.before),
    after: snakeObject(r.after),
  };
}

// actorName names who made a change: an operator by login id, or the
// workflow that made it on its own (an invoice falling overdue, say).
export function actorName(actor) {
  const [kind, ...rest] = String(actor || '').split(':');
  if (kind === 'operator' && rest.length > 0) {
    return rest.join(':');
  }
  if (kind === 'workflow') {
    return 'ワークフロー（自動）';
  }
  return actor || '—';
}

// recorderLabel names who recorded a ledger entry, in words for people:
// "operator:xyz" is オペレーター xyz and "workflow:close-2023-09" is
// ワークフロー close-2023-09. Brokers are not told ("" when absent).
export function recorderLabel(createdBy) {
  const text = String(createdBy || '');
  const [kind, ...rest] = text.split(':');
  const who = rest.join(':');
  const kinds = { operator: 'オペレーター', workflow: 'ワークフロー' };
  return kinds[kind] && who ? `${kinds[kind]} ${who}` : text;
}

// changedFields lists the fields whose shown value differs between before
// and after, as {label, before, after}. fields are {label, value}, where
// value(record) gives the text shown for a record (before may be null).
export function changedFields(before, after, fields) {
  const shown = (record, f) => (record ? String(f.value(record) ?? '') : '');
  return fields
    .map((f) => ({ label: f.label, before: shown(before, f), after: shown(after, f) }))
    .filter((c) => c.before !== c.after);
}

// dateOf reads the calendar date of a date-only value, which the API may
// write as a timestamp at midnight UTC ("2023-10-31T00:00:00Z").
export function dateOf(value) {
  return typeof value === 'string' ? value.slice(0, 10) : '';
}
