// The IC card model of the smart meter (issue 10): the cards and the three-slot reader.
export * from "./card.ts";
export * from "./reader.ts";
