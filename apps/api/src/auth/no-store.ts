import { applyDecorators, Header } from '@nestjs/common';

/**
 * For answers that carry tokens, secrets or generated passwords: no browser, proxy or HTTP/1.0 cache
 * may keep a copy (RFC 9111 §5.2.2.5; Pragma for HTTP/1.0 caches).
 */
export const NoStore = () => applyDecorators(Header('Cache-Control', 'no-store'), Header('Pragma', 'no-cache'));
