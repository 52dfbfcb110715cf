export * from "./api-keys";
export * from "./audit";
export * from "./organisations";
export * from "./rate-limits";
