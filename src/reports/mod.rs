//! Reports staff hand to the prefecture or print: built from the services'
//! results, written as CSV for spreadsheets or shown as printable pages.
//! Nothing here queries the database or decides who completed; it arranges
//! what the attendance service computed.
pub mod attendance_sheet;
pub mod course_matrix;
pub mod csv;
pub mod pack;
