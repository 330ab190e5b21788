// The HEMS controller's side of ECHONET Lite: the frame codec and the smart meter's values.
export * from "./frame.ts";
export * from "./meter.ts";
export * from "./hems.ts";
