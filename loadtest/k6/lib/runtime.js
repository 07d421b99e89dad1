// The only module that names k6's WebSocket and timer modules, so one edit adapts the scripts to
// another k6: current k6 has `k6/websockets` and `k6/timers` (the timers are also global); k6
// before v0.50 has `k6/experimental/websockets` and `k6/experimental/timers` instead.
export { WebSocket } from "k6/websockets";
export { clearInterval, clearTimeout, setInterval, setTimeout } from "k6/timers";
