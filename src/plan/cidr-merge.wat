;; Merging the records cidr-read.wat wrote (its header has the memory layout) like Python's
;; collapse_addresses, and printing the result as canonical text. Not a module of its own: the
;; build splices these functions into cidr-read.wat's module (one module compiles in 0.4 ms, two
;; that share a memory in 1.1 ms).
  ;; Record order: family, address (unsigned), then the larger block (shorter prefix) first.
  (func $less (param $a i32) (param $b i32) (result i32)
    (local $x i64) (local $y i64)
    (if (i32.ne (i32.load offset=20 (local.get $a)) (i32.load offset=20 (local.get $b)))
      (then (return (i32.lt_u (i32.load offset=20 (local.get $a)) (i32.load offset=20 (local.get $b))))))
    (local.set $x (i64.load (local.get $a)))
    (local.set $y (i64.load (local.get $b)))
    (if (i64.ne (local.get $x) (local.get $y)) (then (return (i64.lt_u (local.get $x) (local.get $y)))))
    (local.set $x (i64.load offset=8 (local.get $a)))
    (local.set $y (i64.load offset=8 (local.get $b)))
    (if (i64.ne (local.get $x) (local.get $y)) (then (return (i64.lt_u (local.get $x) (local.get $y)))))
    (i32.lt_u (i32.load offset=16 (local.get $a)) (i32.load offset=16 (local.get $b))))

  ;; Bottom-up merge sort of n record addresses at `a`, `b` the same size for the passes; the
  ;; sorted array is at the address returned.
  (func $sort (param $a i32) (param $b i32) (param $n i32) (result i32)
    (local $width i32) (local $i i32) (local $mid i32) (local $end i32) (local $l i32) (local $r i32) (local $k i32) (local $t i32) (local $left i32)
    (local.set $width (i32.const 1))
    (block $sorted
      (loop $pass
        (br_if $sorted (i32.ge_u (local.get $width) (local.get $n)))
        (local.set $i (i32.const 0))
        (block $passDone
          (loop $run
            (br_if $passDone (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $mid (select (i32.add (local.get $i) (local.get $width)) (local.get $n) (i32.lt_u (i32.add (local.get $i) (local.get $width)) (local.get $n))))
            (local.set $end (select (i32.add (local.get $mid) (local.get $width)) (local.get $n) (i32.lt_u (i32.add (local.get $mid) (local.get $width)) (local.get $n))))
            (local.set $l (local.get $i))
            (local.set $r (local.get $mid))
            (local.set $k (local.get $i))
            (block $merged
              (loop $take
                (br_if $merged (i32.ge_u (local.get $k) (local.get $end)))
                ;; Left while it lasts and the right one is not smaller (stable); nested, as wasm's
                ;; i32.and would read past the run.
                (local.set $left (i32.const 0))
                (if (i32.lt_u (local.get $l) (local.get $mid))
                  (then
                    (if (i32.ge_u (local.get $r) (local.get $end))
                      (then (local.set $left (i32.const 1)))
                      (else (local.set $left (i32.eqz (call $less
                        (i32.load (i32.add (local.get $a) (i32.shl (local.get $r) (i32.const 2))))
                        (i32.load (i32.add (local.get $a) (i32.shl (local.get $l) (i32.const 2)))))))))))
                (if (local.get $left)
                  (then
                    (i32.store (i32.add (local.get $b) (i32.shl (local.get $k) (i32.const 2))) (i32.load (i32.add (local.get $a) (i32.shl (local.get $l) (i32.const 2)))))
                    (local.set $l (i32.add (local.get $l) (i32.const 1))))
                  (else
                    (i32.store (i32.add (local.get $b) (i32.shl (local.get $k) (i32.const 2))) (i32.load (i32.add (local.get $a) (i32.shl (local.get $r) (i32.const 2)))))
                    (local.set $r (i32.add (local.get $r) (i32.const 1)))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $take)))
            (local.set $i (local.get $end))
            (br $run)))
        (local.set $t (local.get $a))
        (local.set $a (local.get $b))
        (local.set $b (local.get $t))
        (local.set $width (i32.shl (local.get $width) (i32.const 1)))
        (br $pass)))
    (local.get $a))

  ;; Whether block `inner` (at or after `outer`, same family) lies inside `outer`.
  (func $inside (param $outer i32) (param $inner i32) (result i32)
    (local $bits i32)
    (local.set $bits (i32.load offset=16 (local.get $outer)))
    (if (i32.lt_u (i32.load offset=16 (local.get $inner)) (local.get $bits)) (then (return (i32.const 0))))
    (i32.and
      (i64.eq (i64.and (i64.load (local.get $inner)) (call $maskHi (local.get $bits))) (i64.load (local.get $outer)))
      (i64.eq (i64.and (i64.load offset=8 (local.get $inner)) (call $maskLo (local.get $bits))) (i64.load offset=8 (local.get $outer)))))

  ;; Whether `a` and `b` are the lower and upper half of one block.
  (func $halves (param $a i32) (param $b i32) (result i32)
    (local $bits i32) (local $bit i64)
    (local.set $bits (i32.load offset=16 (local.get $a)))
    (if (i32.or (i32.ne (local.get $bits) (i32.load offset=16 (local.get $b))) (i32.eqz (local.get $bits))) (then (return (i32.const 0))))
    (if (i32.le_u (local.get $bits) (i32.const 64))
      (then
        (local.set $bit (i64.shl (i64.const 1) (i64.extend_i32_u (i32.sub (i32.const 64) (local.get $bits)))))
        (return (i32.and
          (i64.eqz (i64.and (i64.load (local.get $a)) (local.get $bit)))
          (i32.and
            (i64.eq (i64.load (local.get $b)) (i64.or (i64.load (local.get $a)) (local.get $bit)))
            (i64.eq (i64.load offset=8 (local.get $b)) (i64.load offset=8 (local.get $a))))))))
    (local.set $bit (i64.shl (i64.const 1) (i64.extend_i32_u (i32.sub (i32.const 128) (local.get $bits)))))
    (i32.and
      (i64.eqz (i64.and (i64.load offset=8 (local.get $a)) (local.get $bit)))
      (i32.and
        (i64.eq (i64.load offset=8 (local.get $b)) (i64.or (i64.load offset=8 (local.get $a)) (local.get $bit)))
        (i64.eq (i64.load (local.get $b)) (i64.load (local.get $a))))))

  (func $copy (param $to i32) (param $from i32)
    (i64.store (local.get $to) (i64.load (local.get $from)))
    (i64.store offset=8 (local.get $to) (i64.load offset=8 (local.get $from)))
    (i64.store offset=16 (local.get $to) (i64.load offset=16 (local.get $from))))

  (func $char (param $out i32) (param $c i32) (result i32)
    (i32.store8 (local.get $out) (local.get $c))
    (i32.add (local.get $out) (i32.const 1)))

  ;; Up to three decimal digits.
  (func $writeDecimal (param $out i32) (param $v i32) (result i32)
    (if (i32.ge_u (local.get $v) (i32.const 100))
      (then (local.set $out (call $char (local.get $out) (i32.add (i32.const 48) (i32.div_u (local.get $v) (i32.const 100)))))))
    (if (i32.ge_u (local.get $v) (i32.const 10))
      (then (local.set $out (call $char (local.get $out) (i32.add (i32.const 48) (i32.rem_u (i32.div_u (local.get $v) (i32.const 10)) (i32.const 10)))))))
    (call $char (local.get $out) (i32.add (i32.const 48) (i32.rem_u (local.get $v) (i32.const 10)))))

  ;; A hextet in lowercase hex without leading zeros.
  (func $writeHex (param $out i32) (param $v i32) (result i32)
    (local $shift i32) (local $d i32)
    (local.set $shift (select (i32.const 12) (select (i32.const 8) (select (i32.const 4) (i32.const 0) (i32.ge_u (local.get $v) (i32.const 0x10))) (i32.ge_u (local.get $v) (i32.const 0x100))) (i32.ge_u (local.get $v) (i32.const 0x1000))))
    (loop $digit
      (local.set $d (i32.and (i32.shr_u (local.get $v) (local.get $shift)) (i32.const 15)))
      (local.set $out (call $char (local.get $out) (i32.add (local.get $d) (select (i32.const 48) (i32.const 87) (i32.lt_u (local.get $d) (i32.const 10))))))
      (local.set $shift (i32.sub (local.get $shift) (i32.const 4)))
      (br_if $digit (i32.ge_s (local.get $shift) (i32.const 0))))
    (local.get $out))

  ;; A block's canonical text and a newline: dotted IPv4, or RFC 5952 IPv6 (lowercase, no leading
  ;; zeros, the first longest run of two or more zero groups as "::").
  (func $write (param $out i32) (param $rec i32) (result i32)
    (local $addr i32) (local $i i32) (local $j i32) (local $best i32) (local $bestLength i32) (local $separate i32) (local $hextet i32)
    (if (i32.eqz (i32.load offset=20 (local.get $rec)))
      (then
        (local.set $addr (i32.wrap_i64 (i64.shr_u (i64.load (local.get $rec)) (i64.const 32))))
        (local.set $out (call $writeDecimal (local.get $out) (i32.shr_u (local.get $addr) (i32.const 24))))
        (local.set $out (call $char (local.get $out) (i32.const 46)))
        (local.set $out (call $writeDecimal (local.get $out) (i32.and (i32.shr_u (local.get $addr) (i32.const 16)) (i32.const 255))))
        (local.set $out (call $char (local.get $out) (i32.const 46)))
        (local.set $out (call $writeDecimal (local.get $out) (i32.and (i32.shr_u (local.get $addr) (i32.const 8)) (i32.const 255))))
        (local.set $out (call $char (local.get $out) (i32.const 46)))
        (local.set $out (call $writeDecimal (local.get $out) (i32.and (local.get $addr) (i32.const 255)))))
      (else
        (loop $split
          (i32.store (i32.shl (local.get $i) (i32.const 2))
            (i32.wrap_i64 (i64.and
              (i64.shr_u
                (select (i64.load (local.get $rec)) (i64.load offset=8 (local.get $rec)) (i32.lt_u (local.get $i) (i32.const 4)))
                (i64.extend_i32_u (i32.sub (i32.const 48) (i32.shl (i32.and (local.get $i) (i32.const 3)) (i32.const 4)))))
              (i64.const 0xffff))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $split (i32.lt_u (local.get $i) (i32.const 8))))
        (local.set $best (i32.const -1))
        (local.set $bestLength (i32.const 1))
        (local.set $i (i32.const 0))
        (block $runsDone
          (loop $runs
            (br_if $runsDone (i32.ge_u (local.get $i) (i32.const 8)))
            (local.set $j (local.get $i))
            (block $zerosDone
              (loop $zeros
                (br_if $zerosDone (i32.ge_u (local.get $j) (i32.const 8)))
                (br_if $zerosDone (i32.load (i32.shl (local.get $j) (i32.const 2))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $zeros)))
            (if (i32.gt_s (i32.sub (local.get $j) (local.get $i)) (local.get $bestLength))
              (then (local.set $best (local.get $i)) (local.set $bestLength (i32.sub (local.get $j) (local.get $i)))))
            (local.set $i (select (local.get $j) (i32.add (local.get $i) (i32.const 1)) (i32.gt_u (local.get $j) (local.get $i))))
            (br $runs)))
        (local.set $i (i32.const 0))
        (block $groupsDone
          (loop $groups
            (br_if $groupsDone (i32.ge_u (local.get $i) (i32.const 8)))
            (if (i32.eq (local.get $i) (local.get $best))
              (then
                (local.set $out (call $char (call $char (local.get $out) (i32.const 58)) (i32.const 58)))
                (local.set $i (i32.add (local.get $i) (local.get $bestLength)))
                (local.set $separate (i32.const 0))
                (br $groups)))
            (if (local.get $separate) (then (local.set $out (call $char (local.get $out) (i32.const 58)))))
            (local.set $out (call $writeHex (local.get $out) (i32.load (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $separate (i32.const 1))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $groups)))))
    (local.set $out (call $char (local.get $out) (i32.const 47)))
    (local.set $out (call $writeDecimal (local.get $out) (i32.load offset=16 (local.get $rec))))
    (call $char (local.get $out) (i32.const 10)))

  ;; Every record of the `parts` (record address, count) pairs at `table`, merged like Python's
  ;; collapse_addresses per family (IPv4 first, then IPv6, ascending), written as newline-ended
  ;; lines from `out`: the length written. `a` and `b` hold 4 bytes per record, `stack` 24.
  (func (export "merge") (param $table i32) (param $parts i32) (param $a i32) (param $b i32) (param $stack i32) (param $out i32) (result i32)
    (local $n i32) (local $t i32) (local $rec i32) (local $count i32) (local $j i32) (local $sorted i32)
    (local $i i32) (local $top i32) (local $depth i32) (local $start i32) (local $k i32)
    (local.set $start (local.get $out))
    (block $gathered
      (loop $part
        (br_if $gathered (i32.ge_u (local.get $t) (local.get $parts)))
        (local.set $rec (i32.load (i32.add (local.get $table) (i32.shl (local.get $t) (i32.const 3)))))
        (local.set $count (i32.load offset=4 (i32.add (local.get $table) (i32.shl (local.get $t) (i32.const 3)))))
        (local.set $j (i32.const 0))
        (block $partDone
          (loop $each
            (br_if $partDone (i32.ge_u (local.get $j) (local.get $count)))
            (i32.store (i32.add (local.get $a) (i32.shl (local.get $n) (i32.const 2))) (i32.add (local.get $rec) (i32.mul (local.get $j) (i32.const 24))))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $each)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $part)))
    (local.set $sorted (call $sort (local.get $a) (local.get $b) (local.get $n)))
    (block $collapsed
      (loop $next
        (br_if $collapsed (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $rec (i32.load (i32.add (local.get $sorted) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (if (local.get $depth)
          (then
            (local.set $top (i32.add (local.get $stack) (i32.mul (i32.sub (local.get $depth) (i32.const 1)) (i32.const 24))))
            (if (i32.ne (i32.load offset=20 (local.get $top)) (i32.load offset=20 (local.get $rec)))
              (then
                ;; The family changes: IPv4 is done, print it before IPv6 starts.
                (local.set $k (i32.const 0))
                (block $flushed
                  (loop $flush
                    (br_if $flushed (i32.ge_u (local.get $k) (local.get $depth)))
                    (local.set $out (call $write (local.get $out) (i32.add (local.get $stack) (i32.mul (local.get $k) (i32.const 24)))))
                    (local.set $k (i32.add (local.get $k) (i32.const 1)))
                    (br $flush)))
                (local.set $depth (i32.const 0)))
              (else (br_if $next (call $inside (local.get $top) (local.get $rec)))))))
        (call $copy (i32.add (local.get $stack) (i32.mul (local.get $depth) (i32.const 24))) (local.get $rec))
        (local.set $depth (i32.add (local.get $depth) (i32.const 1)))
        (block $joined
          (loop $join
            (br_if $joined (i32.lt_u (local.get $depth) (i32.const 2)))
            (local.set $top (i32.add (local.get $stack) (i32.mul (i32.sub (local.get $depth) (i32.const 2)) (i32.const 24))))
            (br_if $joined (i32.eqz (call $halves (local.get $top) (i32.add (local.get $top) (i32.const 24)))))
            (i32.store offset=16 (local.get $top) (i32.sub (i32.load offset=16 (local.get $top)) (i32.const 1)))
            (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
            (br $join)))
        (br $next)))
    (local.set $k (i32.const 0))
    (block $written
      (loop $last
        (br_if $written (i32.ge_u (local.get $k) (local.get $depth)))
        (local.set $out (call $write (local.get $out) (i32.add (local.get $stack) (i32.mul (local.get $k) (i32.const 24)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $last)))
    (i32.sub (local.get $out) (local.get $start)))
