/** The offer to install the app (home and help). */
export const installTexts = {
  'install.heading': 'アプリとしてホーム画面に追加',
  'install.why': 'ホーム画面に追加すると、電波の届かない場所でも、この端末に保存した料金や検針の情報をすぐに開けます。',
  'install.button': 'ホーム画面に追加する',
  'install.iosIntro': 'iPhone・iPad の Safari では、次の手順で追加できます。',
  'install.iosStep1': '画面の下（iPad では右上）にある共有ボタン {icon} をタップします。',
  'install.iosShareIcon': '共有ボタン（四角から上向きの矢印が出ている形）',
  'install.iosStep2': 'メニューを上にずらして「ホーム画面に追加」をタップします。',
  'install.iosStep3': '右上の「追加」をタップします。'
} as const;
