; A comment and nothing else.
(declare-const x Int)
