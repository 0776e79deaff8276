// Unit tests of the counterparty checks the portal makes before the API
// does, run by portal_test.go with `node --test`. The cases follow the
// API's rules (models/counterparty.go).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  isEmail, isKana, isPlainText, isRegistrationNumber, registrationCheckDigitOK,
} from '../web/assets/js/counterparty-rules.js';

test('kana names are katakana, as bank transfers take them', () => {
  const kept = ['データブローカーディー', 'カ）データ', 'ﾃﾞｰﾀ ﾌﾞﾛｰｶｰ', 'ヤマダ・タロウ', 'ABC 123'];
  for (const s of kept) {
    assert.ok(isKana(s), `isKana(${s})`);
  }
  const refused = ['', 'でーた', '山田', 'abc', 'データ\u200b', 'ア'.repeat(101)];
  for (const s of refused) {
    assert.ok(!isKana(s), `isKana(${s})`);
  }
});

test('e-mail addresses are bare addresses', () => {
  for (const s of ['billing@broker-d.example', 'a.b+c@d.example', 'a@b']) {
    assert.ok(isEmail(s), `isEmail(${s})`);
  }
  const refused = ['', 'billing', '@d.example', 'a@', 'a@@b', 'a b@c', 'a..b@c', '.a@c',
    'Taro <a@b>', `${'a'.repeat(250)}@b.jp`];
  for (const s of refused) {
    assert.ok(!isEmail(s), `isEmail(${s})`);
  }
});

test('registration numbers are T, a check digit and twelve digits', () => {
  assert.ok(isRegistrationNumber('T7123456789012'));
  assert.ok(registrationCheckDigitOK('T7123456789012'));
  assert.ok(!registrationCheckDigitOK('T1123456789012'));
  for (const s of ['7123456789012', 'T712345678901', 't7123456789012', 'T71234567890123']) {
    assert.ok(!isRegistrationNumber(s), `isRegistrationNumber(${s})`);
    assert.ok(!registrationCheckDigitOK(s), `registrationCheckDigitOK(${s})`);
  }
});

test('names hold no control or invisible characters', () => {
  assert.ok(isPlainText('データブローカーD 東京'));
  for (const s of ['a\u0000b', 'a\nb', 'a\u200bb', 'a\u202eb', '\ufeffa']) {
    assert.ok(!isPlainText(s), `isPlainText(${JSON.stringify(s)})`);
  }
});
