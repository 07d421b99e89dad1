// The only module that names k6's WebSocket and timer modules, so one edit adapts the scripts to
// another k6. Current k6 has `k6/websockets` and `k6/timers` (timers are also global). A k6 without
// `k6/websockets` has the same API as `k6/experimental/websockets`; before v0.50 the timers are
// `k6/experimental/timers`.
export { WebSocket } from "k6/websockets";
export { clearInterval, clearTimeout, setInterval, setTimeout } from "k6/timers";
