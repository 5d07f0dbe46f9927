import { SYNC_FORMAT } from '../../../src/lib/shared/sync-wire.js';
import { TEST_PASSWORD } from './app.js';
import { STAFF_PASSWORD } from './staff.js';

/**
 * Every procedure of the router with its kind and an input as the app sends it: api-input.test.ts
 * refuses bad text in each field and never answers 500; utility-isolation.test.ts sends each
 * with another utility's cookies. Both check that it names every procedure.
 */
export const procedureSamples: Record<string, { type: 'query' | 'mutation'; input?: Record<string, unknown> }> = {
  'utility.profile': { type: 'query' },
  'auth.me': { type: 'query' },
  'auth.signup.requestCode': { type: 'mutation', input: { email: 'edge@example.jp' } },
  'auth.signup.verifyCode': { type: 'mutation', input: { email: 'edge@example.jp', code: '123456' } },
  'auth.signup.proveFaucet': { type: 'mutation', input: { ticket: 'ticket', faucetNo: '40000020', phone: '01654-2-0020', consent: true } },
  'auth.signup.complete': { type: 'mutation', input: { ticket: 'ticket', nickname: 'なよろ', password: TEST_PASSWORD } },
  'auth.login': { type: 'mutation', input: { email: 'edge@example.jp', password: TEST_PASSWORD } },
  'auth.logout': { type: 'mutation' },
  'auth.reset.requestCode': { type: 'mutation', input: { email: 'edge@example.jp' } },
  'auth.reset.complete': { type: 'mutation', input: { email: 'edge@example.jp', code: '123456', password: TEST_PASSWORD } },
  'faucets.add': { type: 'mutation', input: { faucetNo: '40000021', phone: '01654-2-0021', label: '自宅', consent: true } },
  'faucets.label': { type: 'mutation', input: { linkId: 1, label: '自宅', clientId: '00000000-0000-4000-8000-000000000001' } },
  'faucets.remove': { type: 'mutation', input: { linkId: 999_999 } },
  'account.changeNickname': { type: 'mutation', input: { nickname: 'なよろ' } },
  'account.changePassword': { type: 'mutation', input: { currentPassword: 'wrong-password-x', newPassword: 'atarashii-mizu-2027' } },
  'account.requestEmailChange': { type: 'mutation', input: { email: 'edge2@example.jp' } },
  'account.confirmEmailChange': { type: 'mutation', input: { email: 'edge2@example.jp', code: '123456' } },
  'account.withdraw': { type: 'mutation', input: { password: 'wrong-password-x' } },
  'sync.pull': { type: 'query', input: { format: SYNC_FORMAT, cursor: null, knownLinks: [] } },
  'noticeReads.mark': { type: 'mutation', input: { noticeId: 1, clientId: '00000000-0000-4000-8000-000000000002' } },
  'noticeSettings.get': { type: 'query' },
  'noticeSettings.set': { type: 'mutation', input: { topic: 'bill', push: true, email: false } },
  'noticeSettings.pushKey': { type: 'query' },
  'noticeSettings.subscribe': {
    type: 'mutation',
    input: { endpoint: 'https://push.example.net/send/edge', keys: { p256dh: 'BPkEdgeKey', auth: 'c2VjcmV0LWF1dGg' } }
  },
  'noticeSettings.unsubscribe': { type: 'mutation', input: { endpoint: 'https://push.example.net/send/edge' } },
  'procedures.file': {
    type: 'mutation',
    input: { clientId: '00000000-0000-4000-8000-000000000003', linkId: 1, kind: 'billing-address', fields: { name: '名寄 花子', postalCode: '096-8686', address: '名寄市' } }
  },
  'procedures.mine': { type: 'query' },
  'moves.requestCode': { type: 'mutation', input: { email: 'edge-move@example.jp' } },
  'moves.verifyCode': { type: 'mutation', input: { email: 'edge-move@example.jp', code: '123456' } },
  'moves.fileMoveIn': { type: 'mutation', input: { ticket: 'ticket', clientId: '00000000-0000-4000-8000-000000000004', fields: {} } },
  'staff.auth.me': { type: 'query' },
  'staff.auth.login': { type: 'mutation', input: { email: 'edge-staff@example.jp', password: STAFF_PASSWORD } },
  'staff.auth.logout': { type: 'mutation' },
  'staff.auth.changePassword': { type: 'mutation', input: { currentPassword: 'wrong-password-x', newPassword: 'atarashii-mizu-2027' } },
  'staff.admin.createStaff': { type: 'mutation', input: { email: 'edge-clerk@example.jp', role: 'clerk', reason: '異動' } },
  'staff.admin.staffList': { type: 'query' },
  'staff.admin.disableStaff': { type: 'mutation', input: { email: 'edge-nobody@example.jp', reason: '退職' } },
  'staff.admin.enableStaff': { type: 'mutation', input: { email: 'edge-nobody@example.jp', reason: '復職' } },
  'staff.admin.issueOneTimePassword': { type: 'mutation', input: { email: 'edge-nobody@example.jp', reason: '期限切れ' } },
  'staff.admin.auditLog': { type: 'query', input: { before: 1000 } },
  'staff.procedures.queue': { type: 'query', input: { status: 'received', kind: 'paper-slip' } },
  'staff.procedures.detail': { type: 'query', input: { procedureId: 1 } },
  'staff.procedures.paperRequests': { type: 'query' },
  // Its input is a multipart form (staff-imports.test.ts sends real ones): here only what else arrives, which must never get a 500.
  'staff.imports.upload': { type: 'mutation' },
  'staff.procedures.setStatus': { type: 'mutation', input: { procedureId: 999_999, status: 'processing', note: '確認中' } },
  // No account of these ids: an edge value that passes must not withdraw the member the other runs use.
  'staff.support.search': { type: 'query', input: { query: 'なよろ' } },
  'staff.support.account': { type: 'query', input: { customerId: 999_999 } },
  'staff.support.proofLock': { type: 'query', input: { faucetNo: '40000022' } },
  'staff.support.unlinkFaucet': { type: 'mutation', input: { customerId: 999_999, linkId: 999_999, reason: '電話で確認' } },
  'staff.support.unlockFaucetProof': { type: 'mutation', input: { faucetNo: '40000022', reason: '電話で確認' } },
  'staff.support.withdrawAccount': { type: 'mutation', input: { customerId: 999_999, reason: '電話で確認' } },
  'staff.overview.get': { type: 'query' }
};
