export * from "./api-keys";
export * from "./audit";
export * from "./jobs";
export * from "./messages";
export * from "./organisations";
export * from "./providers";
export * from "./rate-limits";
export * from "./templates";
