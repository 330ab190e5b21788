// modules/echonet-lite: the smart meter's ECHONET Lite node on the home LAN (README.md):
// the bounded frame codec, the node profile and the meter class 0x0288 through a provider.
// Stores nothing.
export { Frame, FrameWriter, Esv, Eoj, EHD1, EHD2, HEADER, MAX_FRAME, MAX_PROPERTIES, decodeFrame, encodeFrame } from "./frame";
export { writePropertyMap, BITMAP_FROM } from "./property-map";
export {
  MeterProvider, History, FixedTimeEnergy, NOT_HELD, NOT_MEASURED, NO_POWER_DATA, MAX_ENERGY, MAX_COEFFICIENT,
  SLOTS, HISTORY_BYTES, FIXED_TIME_BYTES, OPERATING, NOT_OPERATING, FAULT, NO_FAULT, NO_HISTORY_DAY,
  validUnit, validEnergy, validHistoryDay, validFixedTime, validHistory,
} from "./meter";
export { EchonetNode, NodeConfig, UNIQUE_ID_BYTES } from "./node";
