// Harness for tests/e2e/head-model-page.e2e.ts: the HeadModelPage component alone, as the app
// will mount it once it is routed, served by `deca-studio serve` with DECA_RENDERER_DIR.
import { createPinia } from 'pinia';
import { createApp, h } from 'vue';
import HeadModelPage from '../../../renderer/src/pages/HeadModelPage.vue';
import '../../../renderer/src/styles.css';

createApp({ render: () => h('div', { style: 'height: 100vh' }, [h(HeadModelPage)]) })
  .use(createPinia())
  .mount('#app');
