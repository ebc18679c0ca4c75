;; Reading GitHub's address lists as machine code from the first call: refresh parses thousands
;; of entries once per process, and JavaScript ran that interpreted (about 20 ms of a refresh).
;; This module reads exactly the plain forms the JavaScript fast grammar reads (src/plan/ip-fast.ts)
;; and answers -1 for anything else or anything refused, which the caller then hands whole to the
;; JavaScript reference path, for its messages. The functions of cidr-merge.wat, spliced in at the
;; end by the build, merge what it read. The caller lays out the memory:
;;   0..63          scratch (the groups of an IPv6 address being read or printed)
;;   64..95         bitmap of first IPv4 octets that a special range may start with (ipaddr.js' table)
;;   96..8287       bitmap of first IPv6 hextets that a special range may start with
;;   beyond         texts, records, index arrays, the stack and the output, as the caller places them
;; A record is 24 bytes: the address as two 64-bit halves, most significant first (IPv4 in the top
;; 32 bits of the first), the prefix length, and the family (0 IPv4, 1 IPv6). Prefix lengths count
;; from the top in both families, so one merge serves both.
(module
  (memory (export "memory") 1)
  (global $flagged (mut i32) (i32.const 0))

  ;; How many entries the last parse flagged as possibly special (their indices are at `flags`).
  (func (export "flagged") (result i32) (global.get $flagged))

  (func $isDigit (param $c i32) (result i32)
    (i32.lt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 10)))

  ;; The value of a hex digit, or -1.
  (func $hexValue (param $c i32) (result i32)
    (if (i32.lt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 10))
      (then (return (i32.sub (local.get $c) (i32.const 48)))))
    (local.set $c (i32.or (local.get $c) (i32.const 32)))
    (if (i32.lt_u (i32.sub (local.get $c) (i32.const 97)) (i32.const 6))
      (then (return (i32.sub (local.get $c) (i32.const 87)))))
    (i32.const -1))

  ;; A decimal number without leading zeros (a lone 0 is fine) at p, at most `max`: its value in
  ;; the low 16 bits and the position after it in the high 16 (texts are short), or -1.
  (func $decimal (param $p i32) (param $q i32) (param $max i32) (result i32)
    (local $v i32) (local $start i32)
    (local.set $start (local.get $p))
    (if (i32.ge_u (local.get $p) (local.get $q)) (then (return (i32.const -1))))
    (if (i32.eqz (call $isDigit (i32.load8_u (local.get $p)))) (then (return (i32.const -1))))
    (local.set $v (i32.sub (i32.load8_u (local.get $p)) (i32.const 48)))
    (local.set $p (i32.add (local.get $p) (i32.const 1)))
    (if (local.get $v)
      (then
        (block $done
          (loop $more
            (br_if $done (i32.ge_u (local.get $p) (local.get $q)))
            (br_if $done (i32.eqz (call $isDigit (i32.load8_u (local.get $p)))))
            ;; Three digits at most: anything longer is over every maximum used here.
            (if (i32.ge_u (i32.sub (local.get $p) (local.get $start)) (i32.const 3)) (then (return (i32.const -1))))
            (local.set $v (i32.add (i32.mul (local.get $v) (i32.const 10)) (i32.sub (i32.load8_u (local.get $p)) (i32.const 48))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $more)))))
    (if (i32.gt_u (local.get $v) (local.get $max)) (then (return (i32.const -1))))
    (i32.or (local.get $v) (i32.shl (i32.sub (local.get $p) (local.get $start)) (i32.const 16))))

  ;; Whether bit `unit` is set in the bitmap at `map`.
  (func $bit (param $map i32) (param $unit i32) (result i32)
    (i32.and
      (i32.shr_u (i32.load8_u (i32.add (local.get $map) (i32.shr_u (local.get $unit) (i32.const 3)))) (i32.and (local.get $unit) (i32.const 7)))
      (i32.const 1)))

  (func $store (param $rec i32) (param $hi i64) (param $lo i64) (param $bits i32) (param $family i32)
    (i64.store (local.get $rec) (local.get $hi))
    (i64.store offset=8 (local.get $rec) (local.get $lo))
    (i32.store offset=16 (local.get $rec) (local.get $bits))
    (i32.store offset=20 (local.get $rec) (local.get $family)))

  ;; Strict dotted IPv4 with an optional prefix, no host bits, prefix above 0: 1 when its first
  ;; octet may be special, 0 when it is plain, -1 when JavaScript must read it.
  (func $v4 (param $p i32) (param $q i32) (param $rec i32) (result i32)
    (local $addr i32) (local $k i32) (local $d i32) (local $bits i32)
    (loop $octet
      (local.set $d (call $decimal (local.get $p) (local.get $q) (i32.const 255)))
      (if (i32.lt_s (local.get $d) (i32.const 0)) (then (return (i32.const -1))))
      (local.set $addr (i32.or (i32.shl (local.get $addr) (i32.const 8)) (i32.and (local.get $d) (i32.const 0xffff))))
      (local.set $p (i32.add (local.get $p) (i32.shr_u (local.get $d) (i32.const 16))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (if (i32.lt_u (local.get $k) (i32.const 4))
        (then
          (if (i32.ge_u (local.get $p) (local.get $q)) (then (return (i32.const -1))))
          (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 46)) (then (return (i32.const -1))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $octet))))
    (local.set $bits (i32.const 32))
    (if (i32.lt_u (local.get $p) (local.get $q))
      (then
        (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 47)) (then (return (i32.const -1))))
        (local.set $d (call $decimal (i32.add (local.get $p) (i32.const 1)) (local.get $q) (i32.const 32)))
        (if (i32.lt_s (local.get $d) (i32.const 0)) (then (return (i32.const -1))))
        (local.set $bits (i32.and (local.get $d) (i32.const 0xffff)))
        (local.set $p (i32.add (i32.add (local.get $p) (i32.const 1)) (i32.shr_u (local.get $d) (i32.const 16))))))
    (if (i32.ne (local.get $p) (local.get $q)) (then (return (i32.const -1))))
    (if (i32.eqz (local.get $bits)) (then (return (i32.const -1))))
    (if (i32.lt_u (local.get $bits) (i32.const 32))
      (then (if (i32.and (local.get $addr) (i32.shr_u (i32.const -1) (local.get $bits))) (then (return (i32.const -1))))))
    (call $store (local.get $rec) (i64.shl (i64.extend_i32_u (local.get $addr)) (i64.const 32)) (i64.const 0) (local.get $bits) (i32.const 0))
    (call $bit (i32.const 64) (i32.shr_u (local.get $addr) (i32.const 24))))

  ;; The 128-bit mask of a prefix of `bits`, high half.
  (func $maskHi (param $bits i32) (result i64)
    (if (i32.eqz (local.get $bits)) (then (return (i64.const 0))))
    (if (i32.ge_u (local.get $bits) (i32.const 64)) (then (return (i64.const -1))))
    (i64.shl (i64.const -1) (i64.extend_i32_u (i32.sub (i32.const 64) (local.get $bits)))))

  ;; Low half.
  (func $maskLo (param $bits i32) (result i64)
    (if (i32.le_u (local.get $bits) (i32.const 64)) (then (return (i64.const 0))))
    (i64.shl (i64.const -1) (i64.extend_i32_u (i32.sub (i32.const 128) (local.get $bits)))))

  ;; Plain hex IPv6 ("::" at most once, 8 groups without it, at most 7 written with it) with an
  ;; optional prefix, no host bits, prefix above 0; answers as $v4 does.
  (func $v6 (param $p i32) (param $q i32) (param $rec i32) (result i32)
    (local $count i32) (local $gap i32) (local $v i32) (local $h i32) (local $digits i32)
    (local $i i32) (local $hextet i32) (local $hi i64) (local $lo i64) (local $bits i32) (local $d i32)
    (local.set $gap (i32.const -1))
    (if (i32.lt_u (i32.add (local.get $p) (i32.const 1)) (local.get $q))
      (then
        (if (i32.and (i32.eq (i32.load8_u (local.get $p)) (i32.const 58)) (i32.eq (i32.load8_u offset=1 (local.get $p)) (i32.const 58)))
          (then (local.set $gap (i32.const 0)) (local.set $p (i32.add (local.get $p) (i32.const 2)))))))
    (block $groups
      (loop $group
        (br_if $groups (i32.ge_u (local.get $p) (local.get $q)))
        (br_if $groups (i32.lt_s (call $hexValue (i32.load8_u (local.get $p))) (i32.const 0)))
        (local.set $v (i32.const 0))
        (local.set $digits (i32.const 0))
        (block $hexDone
          (loop $hex
            (br_if $hexDone (i32.ge_u (local.get $p) (local.get $q)))
            (local.set $h (call $hexValue (i32.load8_u (local.get $p))))
            (br_if $hexDone (i32.lt_s (local.get $h) (i32.const 0)))
            (if (i32.eq (local.get $digits) (i32.const 4)) (then (return (i32.const -1))))
            (local.set $v (i32.or (i32.shl (local.get $v) (i32.const 4)) (local.get $h)))
            (local.set $digits (i32.add (local.get $digits) (i32.const 1)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $hex)))
        (if (i32.eq (local.get $count) (i32.const 8)) (then (return (i32.const -1))))
        (i32.store (i32.shl (local.get $count) (i32.const 2)) (local.get $v))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (br_if $groups (i32.ge_u (local.get $p) (local.get $q)))
        (br_if $groups (i32.ne (i32.load8_u (local.get $p)) (i32.const 58)))
        (if (i32.and (i32.lt_u (i32.add (local.get $p) (i32.const 1)) (local.get $q)) (i32.eq (i32.load8_u offset=1 (local.get $p)) (i32.const 58)))
          (then
            (if (i32.ge_s (local.get $gap) (i32.const 0)) (then (return (i32.const -1))))
            (local.set $gap (local.get $count))
            (local.set $p (i32.add (local.get $p) (i32.const 2)))
            (br $group)))
        ;; A single colon must be followed by a group.
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (if (i32.ge_u (local.get $p) (local.get $q)) (then (return (i32.const -1))))
        (if (i32.lt_s (call $hexValue (i32.load8_u (local.get $p))) (i32.const 0)) (then (return (i32.const -1))))
        (br $group)))
    (if (i32.lt_s (local.get $gap) (i32.const 0))
      (then (if (i32.ne (local.get $count) (i32.const 8)) (then (return (i32.const -1)))))
      (else (if (i32.gt_u (local.get $count) (i32.const 7)) (then (return (i32.const -1))))))
    (local.set $bits (i32.const 128))
    (if (i32.lt_u (local.get $p) (local.get $q))
      (then
        (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 47)) (then (return (i32.const -1))))
        (local.set $d (call $decimal (i32.add (local.get $p) (i32.const 1)) (local.get $q) (i32.const 128)))
        (if (i32.lt_s (local.get $d) (i32.const 0)) (then (return (i32.const -1))))
        (local.set $bits (i32.and (local.get $d) (i32.const 0xffff)))
        (local.set $p (i32.add (i32.add (local.get $p) (i32.const 1)) (i32.shr_u (local.get $d) (i32.const 16))))))
    (if (i32.ne (local.get $p) (local.get $q)) (then (return (i32.const -1))))
    (if (i32.eqz (local.get $bits)) (then (return (i32.const -1))))
    ;; Hextet i is a written group before the gap, zero inside it, a written group after it.
    (loop $place
      (local.set $hextet (i32.const 0))
      (if (i32.or (i32.lt_s (local.get $gap) (i32.const 0)) (i32.lt_s (local.get $i) (local.get $gap)))
        (then (local.set $hextet (i32.load (i32.shl (local.get $i) (i32.const 2)))))
        (else
          (if (i32.ge_s (local.get $i) (i32.add (local.get $gap) (i32.sub (i32.const 8) (local.get $count))))
            (then (local.set $hextet (i32.load (i32.shl (i32.sub (local.get $i) (i32.sub (i32.const 8) (local.get $count))) (i32.const 2))))))))
      (if (i32.lt_u (local.get $i) (i32.const 4))
        (then (local.set $hi (i64.or (i64.shl (local.get $hi) (i64.const 16)) (i64.extend_i32_u (local.get $hextet)))))
        (else (local.set $lo (i64.or (i64.shl (local.get $lo) (i64.const 16)) (i64.extend_i32_u (local.get $hextet))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $place (i32.lt_u (local.get $i) (i32.const 8))))
    (if (i64.ne (i64.and (local.get $hi) (i64.xor (call $maskHi (local.get $bits)) (i64.const -1))) (i64.const 0)) (then (return (i32.const -1))))
    (if (i64.ne (i64.and (local.get $lo) (i64.xor (call $maskLo (local.get $bits)) (i64.const -1))) (i64.const 0)) (then (return (i32.const -1))))
    (call $store (local.get $rec) (local.get $hi) (local.get $lo) (local.get $bits) (i32.const 1))
    (call $bit (i32.const 96) (i32.wrap_i64 (i64.shr_u (local.get $hi) (i64.const 48)))))

  ;; A JSON array of strings, as JSON.stringify writes it (no spaces), from p to q into records
  ;; at `rec`: the number of entries, or -1 when any entry (or the array) is not plainly valid.
  ;; Indices of entries whose first octet or hextet may be special go to `flags`.
  (func (export "parse") (param $p i32) (param $q i32) (param $rec i32) (param $flags i32) (result i32)
    (local $n i32) (local $end i32) (local $c i32) (local $r i32)
    (global.set $flagged (i32.const 0))
    (if (i32.ge_u (local.get $p) (local.get $q)) (then (return (i32.const -1))))
    (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 91)) (then (return (i32.const -1))))
    (local.set $p (i32.add (local.get $p) (i32.const 1)))
    (loop $entry
      (if (i32.ge_u (local.get $p) (local.get $q)) (then (return (i32.const -1))))
      (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 34)) (then (return (i32.const -1))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (local.set $end (local.get $p))
      (block $closed
        (loop $scan
          (if (i32.ge_u (local.get $end) (local.get $q)) (then (return (i32.const -1))))
          (local.set $c (i32.load8_u (local.get $end)))
          (br_if $closed (i32.eq (local.get $c) (i32.const 34)))
          (if (i32.eq (local.get $c) (i32.const 92)) (then (return (i32.const -1))))
          (local.set $end (i32.add (local.get $end) (i32.const 1)))
          (br $scan)))
      (local.set $r (call $v4 (local.get $p) (local.get $end) (local.get $rec)))
      (if (i32.lt_s (local.get $r) (i32.const 0))
        (then (local.set $r (call $v6 (local.get $p) (local.get $end) (local.get $rec)))))
      (if (i32.lt_s (local.get $r) (i32.const 0)) (then (return (i32.const -1))))
      (if (local.get $r)
        (then
          (i32.store (i32.add (local.get $flags) (i32.shl (global.get $flagged) (i32.const 2))) (local.get $n))
          (global.set $flagged (i32.add (global.get $flagged) (i32.const 1)))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (local.set $rec (i32.add (local.get $rec) (i32.const 24)))
      (local.set $p (i32.add (local.get $end) (i32.const 1)))
      (if (i32.ge_u (local.get $p) (local.get $q)) (then (return (i32.const -1))))
      (local.set $c (i32.load8_u (local.get $p)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br_if $entry (i32.eq (local.get $c) (i32.const 44)))
      (if (i32.ne (local.get $c) (i32.const 93)) (then (return (i32.const -1)))))
    (if (i32.ne (local.get $p) (local.get $q)) (then (return (i32.const -1))))
    (local.get $n))

  ;; @splice cidr-merge.wat
)
