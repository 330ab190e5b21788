// modules/handover: the printer's NFC/BLE connection handover codec (README.md): the
// handover message, and each carrier and record on its own. Stores nothing.
export { Handover, HandoverBuilder, EncodedHandover, encodeHandover, decodeHandover, HANDOVER_VERSION, PowerState } from "./handover";
export {
  WifiCredential, WscDecoded, WscLayout, WscAttr, AuthType, EncryptionType, WSC_MIME, WSC_VERSION_2_0,
  MAX_SSID, MAX_NETWORK_KEY, decodeWsc, encodeWsc, checkCredential, anyMac,
} from "./wsc";
export {
  WifiDirectGroup, WifiDirectDecoded, GroupCapability, P2pAttr, P2P_MIME, MIN_PASSPHRASE, MAX_PASSPHRASE,
  decodeWifiDirect, encodeWifiDirect, isDirectSsid,
} from "./p2p";
export { BleOob, BleOobDecoded, AdType, AddressType, LeRole, BLE_OOB_MIME, MAX_MANUFACTURER_DATA, decodeBleOob, encodeBleOob } from "./ble";
export { UriDecoded, URI_TYPE, AAR_TYPE, MAX_URI, MAX_PACKAGE, decodeUri, encodeUri, checkPackage } from "./uri";
export { ByteWriter } from "./writer";
