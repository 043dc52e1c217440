// What a backend is (the table of kernel hooks core calls) and what backends share: turning
// their probe's answers into available()'s result.
export * from "./hooks.ts";
export * from "./availability.ts";
