// Package documents keeps the files that applicants submit (data class D-1
// in the SLA: stored whole, never public, never in analytics) in a
// content-addressed blob store, and refuses hostile uploads before they are
// stored.
//
// Every upload is streamed to a temporary file while it is hashed and its
// size is bounded, its type is detected from its content alone, and it is
// checked for zip bombs, unsafe archive paths, polyglots and the EICAR test
// marker (and, when configured, by a ClamAV daemon). Only a file that passes
// every check is moved into place, under its SHA-256, so identical content is
// stored once. A rejected upload leaves nothing behind.
//
// The store keeps bytes only. Names, owners and the case a document belongs
// to live with the case; the store never lists, indexes or exports content,
// so nothing in it can reach statistics or search.
package documents
