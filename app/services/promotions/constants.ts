/** Promotion pages' constants shared by the server (page.server.ts) and the components. */
export const NEW_ID = "new";
export const REPLAY_DEFAULT = 100;
export const REPLAY_MAX = 500;
