package synth

import (
	"fmt"
	"sort"
	"time"
)

// Preset is a named world size: what `gumshoe gen --size` and the
// benchmarks ask for.
type Preset struct {
	Name     string `json:"name"`
	Seed     uint64 `json:"seed"`
	Accounts int    `json:"accounts"`
	Days     int    `json:"days"`
	Events   int    `json:"events"`
	Flows    int    `json:"flows"`
	Findings int    `json:"findings"`
	// Start is the world's first hour; zero means WorldStart.
	Start time.Time `json:"start,omitzero"`
}

// Presets by name. Year is the scale the performance targets are set at:
// more accounts than Amazon Detective takes in one graph (1,200), a year
// of history, 10M CloudTrail events and 50M flow records.
var Presets = map[string]Preset{
	"year": {Name: "year", Seed: 1, Accounts: 1500, Days: 365, Events: 10_000_000, Flows: 50_000_000, Findings: 3000,
		Start: time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)},
	"large":  {Name: "large", Seed: 1, Accounts: 8, Days: 60, Events: 2_000_000, Flows: 10_000_000, Findings: 1000},
	"medium": {Name: "medium", Seed: 1, Accounts: 8, Days: 60, Events: 1_000_000, Flows: 5_000_000, Findings: 600},
	"small":  {Name: "small", Seed: 1, Accounts: 4, Days: 30, Events: 100_000, Flows: 500_000, Findings: 150},
	// Tiny is for tests of the commands that use presets.
	"tiny": {Name: "tiny", Seed: 1, Accounts: 3, Days: 4, Events: 4000, Flows: 20_000, Findings: 12},
}

// PresetNames lists the presets, smallest first.
func PresetNames() []string {
	var names []string
	for n := range Presets {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return Presets[names[i]].Events < Presets[names[j]].Events })
	return names
}

// LookupPreset returns the preset of a name, or an error listing them.
func LookupPreset(name string) (Preset, error) {
	p, ok := Presets[name]
	if !ok {
		return p, fmt.Errorf("no size %q: want one of %v", name, PresetNames())
	}
	return p, nil
}

// WorldStart is when preset worlds begin.
var WorldStart = time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)

// Options are the generator options of a preset world: objects of a day
// per account and Region, at most 5,000 events or 100,000 flow records.
func (p Preset) Options() Options {
	start := p.Start
	if start.IsZero() {
		start = WorldStart
	}
	return Options{Seed: p.Seed, Accounts: p.Accounts, Days: p.Days, Events: p.Events, Flows: p.Flows,
		Findings: p.Findings, EventsPerObject: 5000, FlowsPerObject: 100_000, Start: start}
}
