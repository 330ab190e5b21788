// Raw board ABI v1.1 (boards/ABI.md). The only @external declarations in the firmware:
// modules use the typed wrappers in ./index.ts, never these directly.

@external("board", "abi_version") export declare function abi_version(): i32;
@external("board", "clock_now_ms") export declare function clock_now_ms(): i64;
@external("board", "clock_wall_ms") export declare function clock_wall_ms(): i64;
@external("board", "timer_set") export declare function timer_set(id: i32, delay_ms: i32): i32;
@external("board", "timer_cancel") export declare function timer_cancel(id: i32): i32;
@external("board", "random_fill") export declare function random_fill(ptr: usize, len: i32): i32;
@external("board", "flash_page_size") export declare function flash_page_size(): i32;
@external("board", "flash_page_count") export declare function flash_page_count(): i32;
@external("board", "flash_read") export declare function flash_read(addr: i32, ptr: usize, len: i32): i32;
@external("board", "flash_write") export declare function flash_write(addr: i32, ptr: usize, len: i32): i32;
@external("board", "flash_erase") export declare function flash_erase(page: i32): i32;
@external("board", "log") export declare function log(level: i32, ptr: usize, len: i32): void;
@external("board", "panic") export declare function panic(ptr: usize, len: i32, line: i32, col: i32): void;
@external("board", "display_show") export declare function display_show(ptr: usize, len: i32): i32;
@external("board", "gpio_write") export declare function gpio_write(pin: i32, level: i32): i32;
@external("board", "gpio_read") export declare function gpio_read(pin: i32): i32;
@external("board", "link_send") export declare function link_send(link: i32, ptr: usize, len: i32): i32;
@external("board", "mqtt_connect") export declare function mqtt_connect(client_ptr: usize, client_len: i32, user_ptr: usize, user_len: i32, pass_ptr: usize, pass_len: i32): i32;
@external("board", "mqtt_subscribe") export declare function mqtt_subscribe(topic_ptr: usize, topic_len: i32, qos: i32): i32;
@external("board", "mqtt_publish") export declare function mqtt_publish(topic_ptr: usize, topic_len: i32, ptr: usize, len: i32, qos: i32, retain: i32): i32;
@external("board", "mqtt_disconnect") export declare function mqtt_disconnect(): i32;
@external("board", "sha256") export declare function sha256(ptr: usize, len: i32, out_ptr: usize): i32;
@external("board", "hmac_sha256") export declare function hmac_sha256(key_ptr: usize, key_len: i32, ptr: usize, len: i32, out_ptr: usize): i32;
@external("board", "aead_seal") export declare function aead_seal(key_ptr: usize, key_len: i32, nonce_ptr: usize, aad_ptr: usize, aad_len: i32, ptr: usize, len: i32, out_ptr: usize): i32;
@external("board", "aead_open") export declare function aead_open(key_ptr: usize, key_len: i32, nonce_ptr: usize, aad_ptr: usize, aad_len: i32, ptr: usize, len: i32, out_ptr: usize): i32;
@external("board", "ecdsa_p256_verify") export declare function ecdsa_p256_verify(pub_ptr: usize, ptr: usize, len: i32, sig_ptr: usize): i32;
@external("board", "ecdh_p256_public") export declare function ecdh_p256_public(priv_ptr: usize, pub_out_ptr: usize): i32;
@external("board", "ecdh_p256_shared") export declare function ecdh_p256_shared(priv_ptr: usize, peer_pub_ptr: usize, out_ptr: usize): i32;
// v1.1
@external("board", "hmac_sha256_keyslot") export declare function hmac_sha256_keyslot(slot: i32, ptr: usize, len: i32, out_ptr: usize): i32;
