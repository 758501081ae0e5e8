//! The headless `export` command on the real binary: signs in as staff (password from the
//! environment or standard input), obeys the role rules, writes the file and the audit row,
//! and explains operator mistakes without writing anything.
mod common;

use common::{text, Site, ADMIN_PW};

const DESK_PW: &str = "tulip garden forty two";

fn site_with_demo_intakes() -> Site {
    let site = Site::new();
    assert!(site.init().status.success());
    let out = site.run(
        &[
            "add-user",
            "--username",
            "desk",
            "--display-name",
            "Front Desk",
            "--role",
            "front_desk",
        ],
        &format!("{DESK_PW}\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = site.run(&["seed-demo", "--intakes", "40"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    site
}

fn csv_rows(path: &std::path::Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()));
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..])
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn exports_as_a_staff_account_with_its_role_rules() {
    let site = site_with_demo_intakes();
    let out_dir = site.dir.path().join("exports");
    std::fs::create_dir(&out_dir).unwrap();

    // Admin, password on standard input, every format.
    for format in ["xlsx", "csv", "fhir"] {
        let file = out_dir.join(format!("nightly-{format}"));
        let out = site.run(
            &[
                "export",
                "--format",
                format,
                "--out",
                file.to_str().unwrap(),
                "--username",
                "admin",
            ],
            &format!("{ADMIN_PW}\n"),
        );
        assert!(out.status.success(), "{format}: {}", text(&out.stderr));
        assert!(text(&out.stdout).contains("Exported 40 intakes (all columns)"));
        let ext = if format == "fhir" { "json" } else { format };
        assert!(out_dir.join(format!("nightly-{format}.{ext}")).is_file());
    }

    // The front desk, password from the environment: no clinical column.
    let file = out_dir.join("desk.csv");
    let out = site
        .command(&[
            "export",
            "--format",
            "csv",
            "--out",
            file.to_str().unwrap(),
            "--username",
            "desk",
            "--status",
            "new",
        ])
        .env("INTAKE_EXPORT_PASSWORD", DESK_PW)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("(patient-detail columns)"));
    let rows = csv_rows(&file);
    let header = rows[0].join(",");
    assert!(
        header.starts_with("Intake ID,Status,Submitted at"),
        "{header}"
    );
    assert!(header.contains("Full name"));
    for clinical in ["Reason for visit", "Medical history", "Current medications"] {
        assert!(!header.contains(clinical), "{clinical} in {header}");
    }
    assert!(rows[1..].iter().all(|r| r[1] == "New"), "--status new only");
    assert!(rows.len() > 1, "some demo intakes are new");

    // Dates: a range in the future holds nothing but the header.
    let file = out_dir.join("future.csv");
    let out = site.run(
        &[
            "export",
            "--format",
            "csv",
            "--out",
            file.to_str().unwrap(),
            "--username",
            "admin",
            "--from",
            "2999-01-01",
            "--to",
            "2999-01-31",
        ],
        &format!("{ADMIN_PW}\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Exported 0 intakes"));
    assert_eq!(csv_rows(&file).len(), 1);
}

#[test]
fn operator_mistakes_are_explained_and_write_nothing() {
    let site = site_with_demo_intakes();
    let file = site.dir.path().join("x.csv");
    let path = file.to_str().unwrap();
    let base = ["export", "--format", "csv", "--out", path, "--username"];

    let wrong = site.run(&[&base[..], &["admin"]].concat(), "not the password\n");
    assert!(!wrong.status.success());
    assert!(
        text(&wrong.stderr).contains("Wrong username or password"),
        "{}",
        text(&wrong.stderr)
    );

    // A password is never taken as an argument.
    let arg = site.run(
        &[&base[..], &["admin", "--password", ADMIN_PW]].concat(),
        "",
    );
    assert!(!arg.status.success());
    assert!(
        text(&arg.stderr).contains("--password"),
        "{}",
        text(&arg.stderr)
    );

    let format = site.run(
        &[
            "export",
            "--format",
            "pdf",
            "--out",
            path,
            "--username",
            "admin",
        ],
        &format!("{ADMIN_PW}\n"),
    );
    assert!(text(&format.stderr).contains("expected xlsx, csv or fhir"));

    let dates = site.run(
        &[
            &base[..],
            &["admin", "--from", "2026-11-30", "--to", "2026-11-01"],
        ]
        .concat(),
        &format!("{ADMIN_PW}\n"),
    );
    assert!(
        text(&dates.stderr).contains("after --to"),
        "{}",
        text(&dates.stderr)
    );
    let day = site.run(
        &[&base[..], &["admin", "--from", "30/11/2026"]].concat(),
        &format!("{ADMIN_PW}\n"),
    );
    assert!(
        text(&day.stderr).contains("YYYY-MM-DD"),
        "{}",
        text(&day.stderr)
    );

    let folder = site.run(
        &[
            "export",
            "--format",
            "csv",
            "--out",
            site.dir.path().to_str().unwrap(),
            "--username",
            "admin",
        ],
        &format!("{ADMIN_PW}\n"),
    );
    assert!(
        text(&folder.stderr).contains("not a folder"),
        "{}",
        text(&folder.stderr)
    );

    assert!(!file.exists(), "nothing written by any of these");
}
