// Not a unit test: the node with a provider that holds every meter property, compiled
// with the images' options by scripts in README.md ("Cost") to measure what the module
// adds to an image. Keeps every property reachable, as the meter image will.
import { EchonetNode, NodeConfig, MeterProvider, History, FixedTimeEnergy } from "..";
import "../../../board/abort";

class Meter extends MeterProvider {
  operationStatus(): i64 { return 0x30; }
  location(): i64 { return 0; }
  setLocation(code: u8): bool { return true; }
  faultStatus(): i64 { return 0x42; }
  coefficient(): i64 { return 1; }
  digits(): i64 { return 6; }
  energy(): i64 { return 4660; }
  unit(): i64 { return 1; }
  history(h: History): bool { return true; }
  historyDay(): i64 { return 0; }
  setHistoryDay(day: u8): bool { return true; }
  power(): i64 { return 500; }
  fixedTimeEnergy(r: FixedTimeEnergy): bool { return true; }
}

const IO_SIZE: i32 = 1024;
const input = new Uint8Array(IO_SIZE);
const node = new EchonetNode(new NodeConfig(), new Meter());

export function ioBuffer(): usize { return input.dataStart; }
export function datagram(len: i32): i32 { return node.handle(input, len); }
export function boot(): i32 { return node.announceInstances() + node.announce(0xea); }
