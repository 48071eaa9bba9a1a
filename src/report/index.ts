export * from './types';
export { renderJson, renderJsonChunks } from './render-json';
export { renderText, type TextOptions } from './render-text';
export { renderMarkdown } from './render-markdown';
export { renderHtml, escapeHtml } from './render-html';
export { headline } from './headline';
