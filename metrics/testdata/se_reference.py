#!/usr/bin/env python3
"""Standard errors of the Gamma-Gamma and BG/BB fits, independently of loyalkit.

mpmath 1.3.0 at 40 digits: the published log-likelihood (Fader & Hardie 2013
for Gamma-Gamma; Fader, Hardie & Shang 2010, eq. 5, for BG/BB), its maximum
found by Newton's method from the published estimates with mpmath's numerical
derivatives, the observed information as mpmath's numerical second
derivatives there, its inverse, and the square roots of the diagonal.

Data: the 946 repeat customers of cdnow_customers_summary_with_transactions.csv
(frequency x, mean repeat spend zbar as printed, two decimals); the donations
data of testdata/donations.csv (22 patterns with their counts).

Run from the metrics directory: python3 testdata/se_reference.py
"""
import csv
from collections import Counter
from mpmath import mp, mpf, loggamma, log, beta as B, matrix, diff, sqrt

mp.dps = 40


def gg_rows():
    rows = Counter()
    with open("../internal/refdata/data/cdnow/cdnow_customers_summary_with_transactions.csv") as f:
        for r in csv.DictReader(f):
            x = int(r["x"])
            if x > 0:
                rows[(x, r["zbar"])] += 1
    return [(mpf(x), mpf(z), mpf(w)) for (x, z), w in rows.items()]


def gg_ll(rows):
    def ll(p, q, g):
        s = mpf(0)
        for x, m, w in rows:
            s += w * (loggamma(p * x + q) - loggamma(p * x) - loggamma(q) + q * log(g)
                      + (p * x - 1) * log(m) + p * x * log(x) - (p * x + q) * log(g + x * m))
        return s
    return ll


def bgbb_rows():
    with open("testdata/donations.csv") as f:
        return [tuple(int(v) for v in r) for r in list(csv.reader(f))[1:]]  # x, t_x, n, count


def bgbb_ll(rows):
    def ll(a, b, g, d):
        s = mpf(0)
        for x, tx, n, w in rows:
            l = B(a + x, b + n - x) / B(a, b) * B(g, d + n) / B(g, d)
            for i in range(n - tx):
                l += B(a + x, b + tx - x + i) / B(a, b) * B(g + 1, d + tx + i) / B(g, d)
            s += w * log(l)
        return s
    return ll


def standard_errors(ll, start):
    k = len(start)
    theta = [mpf(v) for v in start]

    def grad(t):
        return matrix([diff(ll, t, tuple(1 if j == i else 0 for j in range(k))) for i in range(k)])

    def hess(t):
        h = matrix(k, k)
        for i in range(k):
            for j in range(k):
                order = [0] * k
                order[i] += 1
                order[j] += 1
                h[i, j] = diff(ll, t, tuple(order))
        return h

    for _ in range(8):  # Newton's method on the gradient
        step = hess(theta) ** -1 * grad(theta)
        theta = [theta[i] - step[i] for i in range(k)]
    g = grad(theta)
    cov = (-hess(theta)) ** -1
    return theta, ll(*theta), max(abs(v) for v in g), [sqrt(cov[i, i]) for i in range(k)]


for name, ll, start in [
    ("Gamma-Gamma (p, q, gamma)", gg_ll(gg_rows()), [6.25, 3.74, 15.44]),
    ("BG/BB (alpha, beta, gamma, delta)", bgbb_ll(bgbb_rows()), [1.204, 0.750, 0.657, 2.783]),
]:
    theta, l, gmax, se = standard_errors(ll, start)
    print(name)
    print("  estimate", [mp.nstr(v, 12) for v in theta])
    print("  log-likelihood", mp.nstr(l, 15), " largest gradient component", mp.nstr(gmax, 3))
    print("  standard errors", [mp.nstr(v, 12) for v in se])
