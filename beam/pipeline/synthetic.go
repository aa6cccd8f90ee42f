package pipeline

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/loyalkit/loyalkit/metrics"
)

// SyntheticStart is the first day of WriteSynthetic's purchases; they run
// for two years, to 2024-12-31. Summarise them with CalibrationEnd
// 2024-06-30 and ObservationEnd 2024-12-31.
var SyntheticStart = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)

// WriteSynthetic writes n purchases as CSV files part-NNN.csv under dir:
// customers of about ten purchases each (geometric), each on a first day
// in the first 18 months and then later days, amounts 0.01–500.00. Each
// customer's purchases are in one file, in time order, so the library's
// Summarizer can read the files as they are. The same seed writes the
// same files.
func WriteSynthetic(dir string, n, files int, seed uint64) error {
	if n <= 0 || files <= 0 {
		return fmt.Errorf("pipeline: WriteSynthetic: n and files must be positive, got %d and %d", n, files)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(seed, 42))
	const span = 731 // days from 2023-01-01 to 2024-12-31
	perFile := (n + files - 1) / files
	written, customer := 0, 0
	for f := 0; f < files && written < n; f++ {
		file, err := os.Create(filepath.Join(dir, fmt.Sprintf("part-%03d.csv", f)))
		if err != nil {
			return err
		}
		w := bufio.NewWriterSize(file, 1<<20)
		var line []byte
		for inFile := 0; inFile < perFile && written < n; {
			customer++
			k := 1
			for k < 200 && rng.Float64() < 0.9 {
				k++
			}
			day := rng.IntN(span * 3 / 4)
			for j := 0; j < k && written < n && inFile < perFile; j++ {
				line = append(line[:0], 'c')
				line = strconv.AppendInt(line, int64(customer), 10)
				line = append(line, ',')
				line = SyntheticStart.AddDate(0, 0, day).AppendFormat(line, dateLayout)
				line = append(line, ',')
				cents := 1 + rng.Int64N(50000)
				line = strconv.AppendInt(line, cents/100, 10)
				line = append(line, '.', byte('0'+cents%100/10), byte('0'+cents%10), '\n')
				if _, err := w.Write(line); err != nil {
					file.Close()
					return err
				}
				written++
				inFile++
				day = min(span-1, day+rng.IntN(60))
			}
		}
		if err := w.Flush(); err != nil {
			file.Close()
			return err
		}
		if err := file.Close(); err != nil {
			return err
		}
	}
	return nil
}

// SummarizeInProcess reads the files matching glob in name order with the
// library's Summarizer (each customer's purchases must be in time order,
// as WriteSynthetic writes them) and returns the summaries: the in-memory
// comparison of the pipeline.
func SummarizeInProcess(glob string, cfg Config) ([]metrics.CustomerSummary, error) {
	s, err := cfg.settings()
	if err != nil {
		return nil, err
	}
	sum, err := metrics.NewSummarizer(s.summary)
	if err != nil {
		return nil, err
	}
	names, err := filepath.Glob(glob)
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("pipeline: no file matches %q", glob)
	}
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			p, ok, err := ParseLine(sc.Text(), s.loc)
			if err != nil {
				f.Close()
				return nil, fmt.Errorf("%s: %w", filepath.Base(name), err)
			}
			if ok {
				if err := sum.Add(p); err != nil {
					f.Close()
					return nil, err
				}
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, err
		}
	}
	return sum.Customers(), nil
}
