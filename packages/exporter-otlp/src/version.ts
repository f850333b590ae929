/** Sent as the user agent, so a backend can tell kspan's requests apart. */
export const USER_AGENT = 'kspan-exporter-otlp/0.1.0';
