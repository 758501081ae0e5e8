//! Export tests against a real encrypted database: intakes are written with the same
//! `insert_intake` the processor uses, exported through `Desk::export_intakes`, and the files
//! are read back and compared cell by cell with what the database holds.
mod csv;
mod fhir;
mod fhir_check;
mod roles;
mod support;
mod xlsx;
