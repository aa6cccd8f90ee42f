# An independent re-implementation of the loyalkit raffle v1 protocol,
# written from the package documentation alone, in plain Python 3 (no
# packages): `python3 raffle/testdata/reference.py` prints the values
# TestGoldenDraws checks the Go code against. A participant can check a
# published draw the same way: call draw(seed bytes, [(id, tickets), ...],
# winners) with the published list.
import hashlib, struct
def draw(seed, entries, winners):
    entries = sorted(entries, key=lambda e: e[0].encode())
    lines = b"loyalkit raffle v1\n" + b"".join(b"%d:%s:%d\n" % (len(i.encode()), i.encode(), t) for i, t in entries)
    digest = hashlib.sha256(lines).digest()
    key = hashlib.sha256(b"loyalkit raffle v1\nkey\n" + struct.pack(">Q", len(seed)) + seed + digest).digest()
    def words():
        c = 0
        while True:
            b = hashlib.sha256(key + struct.pack(">Q", c)).digest(); c += 1
            for k in range(4):
                yield struct.unpack(">Q", b[8*k:8*k+8])[0]
    w = words()
    def below(n):
        rem = (2**64) % n
        while True:
            x = next(w)
            if x < 2**64 - rem:
                return x % n
    left = list(entries)
    out = []
    for _ in range(winners):
        total = sum(t for _, t in left)
        u = below(total)
        for k, (i, t) in enumerate(left):
            if u < t:
                out.append((i, t)); del left[k]; break
            u -= t
    return out, digest.hex()
seed = b"published-seed-2026-03-31"
entries = [("anna", 3), ("boris", 1), ("chen", 5), ("dana", 2), ("emil", 1), ("farida", 4), ("gleb", 1)]
print(hashlib.sha256(seed).hexdigest())
print(draw(seed, entries, 3))
big = [("c%03d" % i, 1 + i % 7) for i in range(200)]
print(draw(b"\x00" * 16, big, 5))
print(draw(seed, [("x", 2**62), ("y", 2**62 - 4), ("z", 3)], 3))
