// Every part of the Japanese texts, for the types and the catalog tests. A page imports the
// parts it draws from their own files, so that it downloads only those.
export { shellTexts } from './shell';
export { formsTexts } from './forms';
export { codesTexts } from './codes';
export { loginTexts } from './login';
export { signupTexts } from './signup';
export { resetTexts } from './reset';
export { homeTexts } from './home';
export { installTexts } from './install';
export { helpTexts } from './help';
export { feesTexts } from './fees';
export { billingTexts } from './billing';
export { historyTexts } from './history';
export { noticesTexts } from './notices';
export { proceduresTexts } from './procedures';
export { moveInTexts } from './move-in';
export { faucetsTexts } from './faucets';
export { menuTexts } from './menu';
export { settingsTexts } from './settings';
export { statementTexts } from './statement';
