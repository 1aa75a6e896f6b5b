/** users.conf's text: every user of the NATS permission map, each password included from the Secret nats-auth. */
export function natsUsersConf(): string;
/** The Secret nats-auth key (a file in /etc/nats/auth) holding a user's `password: "…"`. */
export function natsPasswordKey(user: string): string;
