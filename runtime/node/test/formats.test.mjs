// Format checkers and decimal multipleOf of _runtime.js (run: `node --test`).
// Agreement with the Python checkers on thousands of strings is tests/test_ts_runtime.py.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { loadRuntime } from "./fixture.mjs";

let rt;
let cleanup;
before(async () => {
  ({ runtime: rt, cleanup } = await loadRuntime());
});
after(() => cleanup());

const cases = {
  date: [
    ["2020-02-29", true],
    ["2021-02-29", false],
    ["2020-04-31", false],
    ["2020-01-01\n", false],
  ],
  "date-time": [
    ["2016-12-31T23:59:60Z", true],
    ["2016-12-31T15:59:60-08:00", true],
    ["2016-12-31T23:59:60+01:00", false],
    ["2020-01-01t10:00:00z", true],
    ["2020-01-01 10:00:00Z", false],
  ],
  time: [
    ["00:00:60+00:01", true],
    ["23:59:60-00:01", false],
    ["12:00:00", false],
  ],
  duration: [
    ["P1Y2M3DT4H5M6S", true],
    ["P1W", true],
    ["P1Y2W", false],
    ["PT", false],
    ["P1Y1D", false],
  ],
  uuid: [
    ["123E4567-e89b-12d3-a456-426614174000", true],
    ["123e4567e89b12d3a456426614174000", false],
  ],
  ipv4: [
    ["255.255.255.255", true],
    ["01.1.1.1", false],
    ["1.1.1.1\n", false],
  ],
  ipv6: [
    ["::", true],
    ["1:2:3:4:5:6:7::", true],
    ["1:2:3:4:5:6:7:8:9", false],
    ["::ffff:1.2.3.4", true],
    ["1:2:3:4:5:6:7:1.2.3.4", false],
    ["1::2::3", false],
    ["12345::", false],
    ["fe80::1%eth0", false],
    ["::1 ", false],
  ],
  hostname: [
    ["example.com", true],
    ["xn--bcher-kva.example", true],
    ["XN--BCHER-KVA", true],
    ["xn--99999a", false], // a code point beyond U+10FFFF
    ["xn--99999999999", false], // a truncated number
    ["ab--c", false],
    ["a.", false],
    ["a".repeat(64), false],
    ["abc\n.com", false], // a newline never ends a label
    ["xn--zca29lwxobi7a", true], // IDNA2008: PVALID exceptions
    ["xn---bbk", false], // not the canonical Punycode of its U-label
    ["xn--ls8h", false], // an emoji is DISALLOWED
    ["xn--ll-0ea", true], // MIDDLE DOT between two "l"
    ["xn--al-0ea", false], // MIDDLE DOT not after "l"
    ["xn--11b2ezcs70k", true], // ZERO WIDTH NON-JOINER after a virama
    ["xn--11b2er09f", false], // ZERO WIDTH JOINER not after a virama
    ["xn--ngb6iyr", false], // Arabic-Indic digits of both kinds
    ["xn--4dbc5h", true], // Hebrew GERESH after Hebrew (bidi: right to left)
  ],
  email: [
    ["a@example.com", true],
    ['"a b"@example.com', true],
    ["a@[IPv6:::1]", true],
    ["a@[1.2.3.4]", true],
    ["a..b@x.com", false],
    ["\u00e9@x.com", false],
  ],
  uri: [
    ["http://u@h:80/p?q#f", true],
    ["urn:isbn:123", true],
    ["http://[::1]/", true],
    ["http://[1::2::3]/", false],
    ["//host/path", false],
    ["http://ex ample.com", false],
    ["http://example.com/%zz", false],
  ],
  "uri-reference": [["//h/p?q#f", true], ["a:b/c", true], ["1:b", false], ["/%zz", false]],
  iri: [["http://\u00e9.fr/\u{10300}", true], ["/abc", false], ["http://[::1", false]],
  "iri-reference": [["\u00e9", true], ["#a\\b", false]],
  "uri-template": [["{+a,b:3}/{c*}", true], ["{}", false], ["{v:0}", false], ["a'b", true]],
  "json-pointer": [["", true], ["/a~1b/~0", true], ["a", false], ["/~2", false]],
  "relative-json-pointer": [["0#", true], ["1/a", true], ["0+1/a", true], ["01", false]],
  regex: [["(?<n>a)\\k<n>", true], ["\\p{Script=Greek}", true], ["\\a", false], ["(", false]],
  "idn-hostname": [["\uc2e4\ub840.\ud14c\uc2a4\ud2b8", true], ["a\u3002b", true],
    ["0a.\u05d0", false], ["a..b", false]],
  "idn-email": [["\u03b4@example.com", true], ["a@cafe\u0301.com", true], ["a\uff20b.c", false]],
};

describe("formats", () => {
  it("has exactly the Python package's formats", () => {
    assert.deepEqual(Object.keys(rt.FORMATS).sort(), Object.keys(cases).sort());
  });
  for (const [name, list] of Object.entries(cases)) {
    it(name, () => {
      for (const [text, valid] of list) {
        assert.equal(rt.FORMATS[name](text), valid, `${name} ${JSON.stringify(text)}`);
      }
    });
  }
});

describe("punycode", () => {
  it("decodes what RFC 3492 section 7.1 encodes", () => {
    for (const text of [
      "egbpdaj6bu4bxfgehfvwxn",
      "ihqwcrb4cv8a8dqg056pqjye",
      "-> $1.00 <--",
      "d9juau41awczczp",
    ]) {
      assert.notEqual(rt.punycodeDecode(text), null, text);
    }
  });
  it("accepts what Python decodes, even when IDNA would not", () => {
    for (const text of ["a", "zzzzzzzzzb", "z".repeat(55)])
      assert.notEqual(rt.punycodeDecode(text), null, text);
  });
  it("refuses truncated numbers, stray characters and huge code points", () => {
    for (const text of ["9", "ls8h!", "a-b=", "99999a", "99999999a", "z".repeat(30)]) {
      assert.equal(rt.punycodeDecode(text), null, text);
    }
  });
});

describe("multipleOf", () => {
  const pairs = [
    [19.99, 0.01, true],
    [0.0075, 0.0001, true],
    [1e308, 0.123456789, false],
    [10, 3, false],
    [7.5, 2.5, true],
    [1e-7, 1e-8, true],
    [-19.99, 0.01, true],
    [Infinity, 1, false],
    [5e-324, 5e-324, true],
  ];
  for (const [value, divisor, expected] of pairs) {
    it(`${value} / ${divisor}`, () => assert.equal(rt.isMultiple(value, divisor), expected));
  }
});
