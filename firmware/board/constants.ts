// Numbers fixed by boards/ABI.md.

export namespace Event {
  export const TIMER: i32 = 1;
  export const BUTTON: i32 = 2;
  export const LINK: i32 = 3;
  export const MQTT_STATE: i32 = 4;
  export const MQTT_MESSAGE: i32 = 5;
  export const MQTT_ACK: i32 = 6;
  export const GPIO: i32 = 7;
}

export namespace Link {
  export const SERVICE: i32 = 0;
  export const NFC: i32 = 1;
  export const BLE: i32 = 2;
  export const WIFI_DIRECT: i32 = 3;
  export const LAN: i32 = 4;
}

export namespace Pin {
  export const RELAY: i32 = 0;
  export const BREAKER: i32 = 1;
  export const LOCK_ACTUATOR: i32 = 2;
  export const TAMPER_SWITCH: i32 = 3;
  export const STATUS_LED: i32 = 4;
}

export namespace Level {
  export const ERROR: i32 = 0;
  export const WARN: i32 = 1;
  export const INFO: i32 = 2;
  export const DEBUG: i32 = 3;
}

export const TIMER_COUNT: i32 = 16;
export const MAX_LINK_FRAME: i32 = 1024;
export const MAX_DISPLAY_TEXT: i32 = 1024;
export const INBOX_SIZE: i32 = 2048;

/** Board key slots (ABI v1.1). */
export namespace KeySlot {
  export const SEAL: i32 = 0;   // the device's storage sealing key
  export const COUNT: i32 = 4;
}
