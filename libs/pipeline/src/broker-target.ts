import type { TopicRewrite } from '@app/topics';

/** The per-broker facts planning needs: who it is, its HMAC secret, how it rewrites topics. */
export interface BrokerTarget {
  id: string;
  secret: string;
  rewrite: TopicRewrite;
}
