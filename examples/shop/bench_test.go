package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkPurchaseHTTP measures purchases through the whole stack: HTTP
// on 127.0.0.1, JSON, the library, and a SQLite transaction per purchase
// (file in a temporary directory, WAL, synchronous=NORMAL), with 8 clients
// sending at once to one server, over 200 customers. It reports
// purchases/s.
//
//	go test -run '^$' -bench PurchaseHTTP -benchtime 5000x
func BenchmarkPurchaseHTTP(b *testing.B) {
	clock := &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), tick: time.Millisecond}
	ts := startServer(b, tempDB(b), clock, nil)
	ts.must(http.StatusCreated, "PUT", "/v1/program", programJSON(b), nil)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	const clients = 8
	var next atomic.Int64
	var failed atomic.Value
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				body := fmt.Sprintf(`{"id":"o%d","total":"12000","lines":[{"sku":"latte","category":"drinks","qty":2,"price":"1200"},{"sku":"beans","category":"beans","qty":1,"price":"9600"}]}`, i)
				res, err := client.Post(fmt.Sprintf("%s/v1/customers/c%03d/purchases", ts.URL, i%200), "application/json", bytes.NewBufferString(body))
				if err != nil {
					failed.Store(err.Error())
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != 200 {
					failed.Store(fmt.Sprintf("status %d", res.StatusCode))
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if f := failed.Load(); f != nil {
		b.Fatal(f)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "purchases/s")
}
